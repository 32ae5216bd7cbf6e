// A unix-socket proxy in front of the real Docker socket that a test can cut and restore, so an
// agent pointed at it sees its engine go away and come back while the real engine (which other
// tests share) keeps running untouched.
import net from "node:net";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { spliceSockets } from "./socket-splice.js";

export class DockerSocketProxy {
  private server?: net.Server;
  private readonly live = new Set<net.Socket>();
  /** Connections accepted since creation, so a test can tell its agent really uses the proxy. */
  accepted = 0;

  private constructor(
    private readonly dir: string,
    readonly socketPath: string,
    private readonly target: string,
  ) {}

  /** A listening proxy on a socket in a fresh temp dir, forwarding to `target`. */
  static async create(target = "/var/run/docker.sock"): Promise<DockerSocketProxy> {
    const dir = await mkdtemp(path.join(os.tmpdir(), "daemonlet-proxy-"));
    const proxy = new DockerSocketProxy(dir, path.join(dir, "docker.sock"), target);
    try {
      await proxy.restore();
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
    return proxy;
  }

  get listening(): boolean {
    return this.server !== undefined;
  }

  /** Listens (again) on the same path; a no-op while listening. */
  async restore(): Promise<void> {
    if (this.server) return;
    // A listener that went away may leave its socket file behind; listen() would refuse it.
    await rm(this.socketPath, { force: true });
    const server = net.createServer((client) => this.forward(client));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.socketPath, () => {
        server.off("error", reject);
        resolve();
      });
    });
    this.server = server;
  }

  /**
   * Stops listening and destroys every live connection, so streams (the agent's event stream)
   * break and new requests fail as they would with the engine gone. A no-op while cut.
   */
  async cut(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.live) socket.destroy();
    this.live.clear();
    await closed;
    await rm(this.socketPath, { force: true });
  }

  async dispose(): Promise<void> {
    await this.cut();
    await rm(this.dir, { recursive: true, force: true });
  }

  private forward(client: net.Socket): void {
    if (!this.server) {
      client.destroy(); // accepted just before the cut
      return;
    }
    this.accepted++;
    const upstream = net.connect(this.target);
    spliceSockets(client, upstream, this.live);
  }
}

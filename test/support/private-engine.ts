// A second, private Docker engine (its own dockerd, containerd namespace, data and exec roots in a
// temp dir) that a test may stop and start for real, which the machine's shared engine must never
// be. It gets a bridge of its own: with `--bridge=none` dockerd deletes docker0 at start, which
// breaks the shared engine's networking.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import Docker from "dockerode";
import { waitFor } from "./wait.js";

const run = promisify(execFile);
/** A subnet no engine here uses by default (docker0 is 172.17/16, swarm's gateway 172.18/16). */
const BRIDGE_ADDRESS = "172.30.254.1/24";

export class PrivateEngine {
  private daemon?: ChildProcess;
  private bridgeMade = false;
  private readonly name: string;
  /** Interface names are at most 15 characters. */
  private readonly bridge: string;

  private constructor(
    readonly dir: string,
    private readonly liveRestore: boolean,
  ) {
    this.name = `daemonlet-test-${path.basename(dir)}`;
    this.bridge = `dlt${path
      .basename(dir)
      .slice(-8)
      .replace(/[^A-Za-z0-9]/g, "0")}`;
  }

  /** A running engine; `liveRestore` keeps containers running while dockerd is down. */
  static async create({ liveRestore }: { liveRestore: boolean }): Promise<PrivateEngine> {
    const dir = await mkdtemp(path.join(os.tmpdir(), "daemonlet-engine-"));
    const engine = new PrivateEngine(dir, liveRestore);
    try {
      await engine.makeBridge();
      await engine.start();
    } catch (error) {
      await engine.dispose();
      throw error;
    }
    return engine;
  }

  get socketPath(): string {
    return path.join(this.dir, "docker.sock");
  }

  get api(): Docker {
    return new Docker({ socketPath: this.socketPath });
  }

  get running(): boolean {
    return this.daemon !== undefined;
  }

  /** Starts dockerd and waits until its API answers. */
  async start(): Promise<void> {
    if (this.daemon) return;
    const args = [
      `--data-root=${path.join(this.dir, "data")}`,
      `--exec-root=${path.join(this.dir, "exec")}`,
      `--pidfile=${path.join(this.dir, "dockerd.pid")}`,
      `--host=unix://${this.socketPath}`,
      `--containerd-namespace=${this.name}`,
      `--containerd-plugins-namespace=${this.name}-plugins`,
      `--bridge=${this.bridge}`,
      "--iptables=false",
      "--ip6tables=false",
      "--ip-masq=false",
      ...(this.liveRestore ? ["--live-restore"] : []),
    ];
    const daemon = spawn("dockerd", args, { stdio: ["ignore", "ignore", "pipe"] });
    const log: string[] = [];
    daemon.stderr?.on("data", (chunk: Buffer) => log.push(chunk.toString()));
    this.daemon = daemon;
    daemon.once("exit", () => {
      if (this.daemon === daemon) this.daemon = undefined;
    });
    await waitFor(
      async () => {
        if (!this.daemon) throw new Error(`dockerd exited: ${log.join("").slice(-2000)}`);
        return (await this.api.ping()) && true;
      },
      { timeoutMs: 60_000, what: "the private engine to answer" },
    );
  }

  /** Stops dockerd the way `systemctl stop docker` does (SIGTERM) and waits for it to exit. */
  async stop(): Promise<void> {
    const daemon = this.daemon;
    if (!daemon) return;
    const exited = new Promise<void>((resolve) => daemon.once("exit", () => resolve()));
    daemon.kill("SIGTERM");
    await exited;
  }

  /** Copies an image from the shared engine, so nothing needs a registry. */
  async loadImage(name: string): Promise<void> {
    const shared = new Docker();
    const image = await shared.getImage(name).get();
    const stream = await this.api.loadImage(image);
    await new Promise<void>((resolve, reject) => {
      stream.on("error", reject);
      stream.on("end", () => resolve());
      stream.resume();
    });
  }

  /** Removes every container, stops dockerd, and removes its mounts and files. */
  async dispose(): Promise<void> {
    if (this.daemon) {
      const api = this.api;
      const all = await api.listContainers({ all: true }).catch(() => []);
      await Promise.all(all.map((c) => api.getContainer(c.Id).remove({ force: true, v: true })));
      await this.stop();
    }
    await this.killLeftovers();
    await this.unmountAll();
    if (this.bridgeMade) await run("ip", ["link", "delete", this.bridge]);
    await rm(this.dir, { recursive: true, force: true });
  }

  private async makeBridge(): Promise<void> {
    await run("ip", ["link", "add", "name", this.bridge, "type", "bridge"]);
    this.bridgeMade = true;
    await run("ip", ["address", "add", BRIDGE_ADDRESS, "dev", this.bridge]);
    await run("ip", ["link", "set", this.bridge, "up"]);
  }

  /** containerd and shims still running under this engine's exec root (a crash, a failed start). */
  private async killLeftovers(): Promise<void> {
    const execRoot = path.join(this.dir, "exec");
    for (const pid of await readdir("/proc")) {
      if (!/^\d+$/.test(pid)) continue;
      const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
      if (cmdline.includes(execRoot) || cmdline.includes(this.name)) {
        try {
          process.kill(Number(pid), "SIGKILL");
        } catch {
          // Gone already.
        }
      }
    }
  }

  /** dockerd mounts its data root (and overlays below it); rm cannot remove a mount point. */
  private async unmountAll(): Promise<void> {
    const mounts = (await readFile("/proc/mounts", "utf8"))
      .split("\n")
      .map((line) => line.split(" ")[1] ?? "")
      .filter((target) => target.startsWith(`${this.dir}/`))
      .sort()
      .reverse();
    for (const target of mounts) await run("umount", ["-l", target]);
  }
}

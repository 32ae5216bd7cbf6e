// A loopback TCP forwarder between an agent and its hub that a test can break the way networks
// break: `stall` stops carrying bytes on the open connections without closing them (a half-open
// connection: each side only learns of it from its own timeouts), and `partition` stalls them and
// leaves new connections unanswered too, until `heal`.
import net from "node:net";
import { listenOnFreePort, portOf } from "./free-port.js";

interface Link {
  client: net.Socket;
  upstream?: net.Socket;
  stalled: boolean;
}

export class PartitionProxy {
  private readonly links = new Set<Link>();
  private partitioned = false;
  /** Connections accepted so far. */
  accepted = 0;

  private constructor(
    private readonly server: net.Server,
    private readonly target: number,
  ) {}

  /** A proxy on a free 127.0.0.1 port in front of 127.0.0.1:`target`, forwarding. */
  static async create(target: number): Promise<PartitionProxy> {
    const server = net.createServer();
    const proxy = new PartitionProxy(server, target);
    server.on("connection", (client) => proxy.accept(client));
    await listenOnFreePort(server);
    return proxy;
  }

  get port(): number {
    return portOf(this.server);
  }

  /** Open connections go silent in both directions, and stay open; new ones still work. */
  stall(): void {
    for (const link of this.links) link.stalled = true;
  }

  /** Open connections go silent, and new ones are accepted but never answered. */
  partition(): void {
    this.partitioned = true;
    this.stall();
  }

  /**
   * New connections work again. The silent ones are reset, as the peers' kernels would once
   * packets flow again, so nothing waits on them.
   */
  heal(): void {
    this.partitioned = false;
    for (const link of [...this.links]) if (link.stalled) this.drop(link);
  }

  async dispose(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const link of [...this.links]) this.drop(link);
    await closed;
  }

  private accept(client: net.Socket): void {
    this.accepted++;
    const link: Link = { client, stalled: this.partitioned };
    this.links.add(link);
    client.on("error", () => undefined);
    if (link.stalled) {
      client.on("data", () => undefined); // read and drop, as a black hole would
      return;
    }
    const upstream = net.connect(this.target, "127.0.0.1");
    link.upstream = upstream;
    upstream.on("error", () => undefined);
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      from.on("data", (chunk: Buffer) => {
        if (!link.stalled) to.write(chunk);
      });
      // A close only travels while the link carries bytes: a stalled peer never hears of it.
      from.on("close", () => {
        if (!link.stalled) this.drop(link);
      });
    }
  }

  private drop(link: Link): void {
    this.links.delete(link);
    link.client.destroy();
    link.upstream?.destroy();
  }
}

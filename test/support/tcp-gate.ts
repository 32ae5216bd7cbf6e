// A loopback TCP forwarder that holds every connection until the test opens it, so a test can
// look at what the agent reports while a pull is under way, for as long as it needs, no sleeps.
import net from "node:net";
import { listenOnFreePort, portOf } from "./free-port.js";
import { spliceSockets } from "./socket-splice.js";

export class TcpGate {
  private readonly held: net.Socket[] = [];
  private readonly live = new Set<net.Socket>();
  private isOpen = false;
  /** Connections accepted so far, held or forwarded. */
  accepted = 0;

  private constructor(
    private readonly server: net.Server,
    private readonly target: number,
  ) {}

  /** A closed gate on a free 127.0.0.1 port in front of 127.0.0.1:`target`. */
  static async create(target: number): Promise<TcpGate> {
    const server = net.createServer();
    const gate = new TcpGate(server, target);
    server.on("connection", (client) => gate.accept(client));
    await listenOnFreePort(server);
    return gate;
  }

  get port(): number {
    return portOf(this.server);
  }

  /** Forwards the held connections, and every later one at once. */
  open(): void {
    this.isOpen = true;
    for (const client of this.held.splice(0)) this.forward(client);
  }

  async dispose(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of [...this.held, ...this.live]) socket.destroy();
    await closed;
  }

  private accept(client: net.Socket): void {
    this.accepted++;
    // A client that gives up while held must not take the test process down.
    client.on("error", () => client.destroy());
    // Unread, the client's request waits in the socket until it is forwarded.
    if (this.isOpen) this.forward(client);
    else this.held.push(client);
  }

  private forward(client: net.Socket): void {
    const upstream = net.connect(this.target, "127.0.0.1");
    spliceSockets(client, upstream, this.live);
  }
}

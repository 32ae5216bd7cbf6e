// A unix socket in front of the Docker engine's that passes everything through and counts the
// Engine API requests sent over it, by kind, and the connections: for tests and benches that
// check which calls the agent makes.
import { rm } from "node:fs/promises";
import net from "node:net";

const ENGINE = "/var/run/docker.sock";

/** "GET /exec/{id}/json": ids, API versions and query strings folded so requests group by kind. */
export function requestKind(method: string, url: string): string {
  const p = url
    .replace(/\?.*$/, "")
    .replace(/^\/v[\d.]+\//, "/")
    .replace(/\/(containers|exec)\/(?!json$)[^/]+/, "/$1/{id}");
  return `${method} ${p}`;
}

export class EngineProxy {
  private readonly counted = new Map<string, number>();
  private readonly sockets = new Set<net.Socket>();
  private readonly server: net.Server;

  private constructor(readonly socketPath: string) {
    this.server = net.createServer((client) => this.pass(client));
  }

  static async start(socketPath: string): Promise<EngineProxy> {
    const proxy = new EngineProxy(socketPath);
    await new Promise<void>((resolve, reject) => {
      proxy.server.once("error", reject);
      proxy.server.listen(socketPath, resolve);
    });
    return proxy;
  }

  /** Requests of each kind since the start or the last reset; "(connection)" counts sockets. */
  counts(): Map<string, number> {
    return new Map(this.counted);
  }

  count(kind: string): number {
    return this.counted.get(kind) ?? 0;
  }

  reset(): void {
    this.counted.clear();
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await rm(this.socketPath, { force: true });
  }

  private add(kind: string): void {
    this.counted.set(kind, (this.counted.get(kind) ?? 0) + 1);
  }

  private pass(client: net.Socket): void {
    this.add("(connection)");
    const engine = net.connect(ENGINE);
    this.sockets.add(client).add(engine);
    let head = "";
    client.on("data", (chunk: Buffer) => {
      // Request lines only, wherever they start: a kept-alive connection sends one request after
      // another's body, and a line may be split across chunks, so an unfinished tail is kept.
      head += chunk.toString("latin1");
      const re = /(GET|POST|DELETE|HEAD|PUT) (\/\S*) HTTP\/1\.[01]\r\n/g;
      let end = 0;
      for (const m of head.matchAll(re)) {
        this.add(requestKind(m[1] ?? "", m[2] ?? ""));
        end = (m.index ?? 0) + m[0].length;
      }
      head = head.slice(Math.max(end, head.length - 512));
    });
    client.pipe(engine).pipe(client);
    const close = () => {
      client.destroy();
      engine.destroy();
      this.sockets.delete(client);
      this.sockets.delete(engine);
    };
    client.on("error", close).on("close", close);
    engine.on("error", close).on("close", close);
  }
}

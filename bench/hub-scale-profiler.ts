// CPU profiles of the hub under test, one per phase, taken over the inspector protocol: the hub
// runs with --inspect on a loopback port, and the bench starts and stops its sampling profiler
// around each phase. Unlike --cpu-prof, this covers a hub that ends by SIGKILL, and a profile
// holds one phase only. Each is written as DIR/hub-<nodes>-<phase>.cpuprofile (Chrome DevTools,
// speedscope).
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { WebSocket } from "ws";

/** What the hub's NODE_OPTIONS must hold for a profiler to attach on `port`. */
export function inspectOption(port: number): string {
  return `--inspect=127.0.0.1:${port}`;
}

export class HubProfiler {
  private nextId = 1;
  private readonly waiting = new Map<number, (result: unknown) => void>();

  private constructor(private readonly socket: WebSocket) {
    socket.on("message", (data: Buffer) => {
      const reply = JSON.parse(data.toString("utf8")) as { id?: number; result?: unknown };
      if (reply.id === undefined) return;
      this.waiting.get(reply.id)?.(reply.result);
      this.waiting.delete(reply.id);
    });
  }

  /** Attaches to the inspector of the process listening on `port`. */
  static async attach(port: number): Promise<HubProfiler> {
    const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as {
      webSocketDebuggerUrl: string;
    }[];
    const url = targets[0]?.webSocketDebuggerUrl;
    if (url === undefined) throw new Error(`no inspector target on port ${port}`);
    const socket = new WebSocket(url, { perMessageDeflate: false, maxPayload: 2 ** 30 });
    await new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("error", reject);
    });
    const profiler = new HubProfiler(socket);
    await profiler.call("Profiler.enable");
    return profiler;
  }

  start(): Promise<unknown> {
    return this.call("Profiler.start");
  }

  /** Stops sampling and writes what was sampled since start() to `dir/name.cpuprofile`. */
  async stop(dir: string, name: string): Promise<void> {
    const { profile } = (await this.call("Profiler.stop")) as { profile: unknown };
    await writeFile(path.join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
  }

  close(): void {
    this.socket.terminate();
  }

  private call(method: string): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.socket.send(JSON.stringify({ id, method }));
    });
  }
}

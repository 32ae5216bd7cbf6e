import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { CliProcess, type LogLine } from "./cli-process.js";

/** A free loopback port, so a restarted hub comes back where its agents look for it. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== "object" || !address) throw new Error("no port");
  return address.port;
}

/** A real hub process (`daemonlet hub`) on loopback ports, with its data in a temp dir. */
export class HubProcess {
  private readonly process: CliProcess;
  readonly token = `test-token-${process.pid}-0123456789`;

  private constructor(
    readonly dataDir: string,
    readonly agentPort: number,
    readonly apiPort: number,
    private readonly extraArgs: string[],
    compiled: boolean,
  ) {
    this.process = new CliProcess("hub", compiled);
  }

  /** `dataDir`: where the hub keeps its store (removed on dispose); a fresh temp dir by default. */
  static async create(
    extraArgs: string[] = [],
    dataDir?: string,
    { compiled = false }: { compiled?: boolean } = {},
  ): Promise<HubProcess> {
    dataDir ??= await mkdtemp(path.join(os.tmpdir(), "daemonlet-hub-"));
    return new HubProcess(dataDir, await freePort(), await freePort(), extraArgs, compiled);
  }

  get logs(): LogLine[] {
    return this.process.logs;
  }

  /** The hub's process id while it runs. */
  get pid(): number | undefined {
    return this.process.pid;
  }

  isRunning(): boolean {
    return this.process.isRunning();
  }

  /** What an agent passes as --hub. */
  get url(): string {
    return `ws://127.0.0.1:${this.agentPort}`;
  }

  /** What the CLI passes as --hub. */
  get api(): string {
    return `127.0.0.1:${this.apiPort}`;
  }

  agentArgs(): string[] {
    return ["--hub", this.url, "--token", this.token];
  }

  async start(): Promise<void> {
    await this.process.start(
      [
        "hub",
        "--data",
        this.dataDir,
        "--listen",
        `127.0.0.1:${this.agentPort}`,
        "--api-listen",
        this.api,
        "--join-token",
        this.token,
        "--log-format",
        "json",
        ...this.extraArgs,
      ],
      "hub running",
    );
  }

  kill(signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> {
    return this.process.kill(signal);
  }

  async dispose(): Promise<void> {
    await this.kill("SIGKILL");
    await rm(this.dataDir, { recursive: true, force: true });
  }
}

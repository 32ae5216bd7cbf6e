import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { CliProcess, type LogLine } from "./cli-process.js";
import { daemonlet } from "./cli-run.js";
import { freePort } from "./free-port.js";

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

  /** Serves TLS (started with --init-pki or --tls-cert). */
  get tls(): boolean {
    return this.extraArgs.includes("--init-pki") || this.extraArgs.includes("--tls-cert");
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
    return `${this.tls ? "wss" : "ws"}://127.0.0.1:${this.agentPort}`;
  }

  /** A TLS hub's admin credential for the CLI (--admin-config). */
  get adminConfig(): string {
    return path.join(this.dataDir, "admin.conf");
  }

  /** What the CLI passes as --hub. */
  get api(): string {
    return `127.0.0.1:${this.apiPort}`;
  }

  /** `daemonlet <args> --hub <api>` (with the admin credential on a TLS hub), which must succeed. */
  async cli(...args: string[]): Promise<string> {
    const admin = this.tls ? ["--admin-config", this.adminConfig] : [];
    const r = await daemonlet([...admin, ...args, "--hub", this.api]);
    assert.equal(r.code, 0, `daemonlet ${args.join(" ")} failed: ${r.stderr}${r.stdout}`);
    return r.stdout;
  }

  /** For a plain hub; a TLS hub's agents need a join token carrying its CA hash. */
  agentArgs(): string[] {
    return ["--hub", this.url, "--token", this.token, ...(this.tls ? [] : ["--insecure"])];
  }

  /** Joins `nodeName` to a plain hub with the test's join token: the node's credential. */
  async joinNode(nodeName: string): Promise<string> {
    const res = await fetch(`http://127.0.0.1:${this.agentPort}/join`, {
      method: "POST",
      headers: { authorization: `Bearer ${this.token}`, "content-type": "application/json" },
      body: JSON.stringify({ nodeName }),
    });
    if (!res.ok) throw new Error(`join of ${nodeName} refused: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { credential: string }).credential;
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
        ...(this.tls ? [] : ["--insecure"]),
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

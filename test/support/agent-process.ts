import { spawn, type ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Pod } from "kubernetes-types/core/v1.js";
import { listNodePods } from "../../agent/local-api/client.js";
import { localApiSocketPath } from "../../agent/local-api/socket-path.js";
import { waitFor } from "./wait.js";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export interface LogLine {
  level: string;
  message: string;
  [field: string]: unknown;
}

/** A real agent process (`daemonlet agent`) with its own node name, manifest and state dirs. */
export class AgentProcess {
  private child?: ChildProcess;
  readonly logs: LogLine[] = [];
  private exited?: Promise<number | null>;

  private constructor(
    readonly nodeName: string,
    readonly root: string,
    readonly extraArgs: string[],
  ) {}

  get manifests(): string {
    return path.join(this.root, "manifests");
  }
  get stateDir(): string {
    return path.join(this.root, "state");
  }
  /** A host directory pods of this agent may mount. */
  get hostData(): string {
    return path.join(this.root, "host");
  }

  static async create(prefix: string, extraArgs: string[] = []): Promise<AgentProcess> {
    const root = await mkdtemp(path.join(os.tmpdir(), `daemonlet-${prefix}-`));
    const agent = new AgentProcess(`${prefix}-${process.pid}`, root, extraArgs);
    await mkdir(agent.manifests);
    await mkdir(agent.hostData);
    return agent;
  }

  /** The agent's process id while it runs. */
  get pid(): number | undefined {
    return this.isRunning() ? this.child?.pid : undefined;
  }

  /** True while the agent process has neither exited nor been killed by a signal. */
  isRunning(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /**
   * Spawns the agent and waits for the log line `until` (by default "agent running"; an agent
   * that cannot reach its engine logs "container engine unreachable…" and waits instead).
   */
  async start({ until = "agent running" }: { until?: string } = {}): Promise<void> {
    // Only this run's lines count: after a restart, the previous run's are still in `logs`.
    const mark = this.logs.length;
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        path.join(REPO, "cli/main.ts"),
        "agent",
        "--node-name",
        this.nodeName,
        "--manifests",
        this.manifests,
        "--state-dir",
        this.stateDir,
        "--allowed-host-paths",
        this.hostData,
        "--read-only-host-paths",
        "/proc",
        "--log-format",
        "json",
        ...this.extraArgs,
      ],
      { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] },
    );
    this.child = child;
    this.exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
    let buffered = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        try {
          this.logs.push(JSON.parse(line) as LogLine);
        } catch {
          this.logs.push({ level: "raw", message: line });
        }
      }
    });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    await waitFor(
      async () => {
        if (child.exitCode !== null)
          throw new Error(`agent exited with ${child.exitCode}: ${stderr}`);
        return this.logs.slice(mark).some((l) => l.message === until);
      },
      { timeoutMs: 30_000, what: `agent ${this.nodeName} to be running` },
    );
  }

  /** Stops the process with a signal (SIGKILL to simulate a crash) and waits for it. */
  async kill(signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return null;
    this.child.kill(signal);
    return this.exited ?? null;
  }

  async pods(): Promise<Pod[]> {
    return (await listNodePods(localApiSocketPath(this.stateDir))).pods;
  }

  async problems() {
    return (await listNodePods(localApiSocketPath(this.stateDir))).manifestProblems;
  }

  async pod(name: string): Promise<Pod | undefined> {
    return (await this.pods()).find((p) => p.metadata?.name === `${name}-${this.nodeName}`);
  }

  /** Removes the process and its directories; the caller removes containers by node label. */
  async dispose(): Promise<void> {
    await this.kill("SIGKILL");
    await rm(this.root, { recursive: true, force: true });
  }
}

import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Pod } from "kubernetes-types/core/v1.js";
import { listNodePods } from "../../agent/local-api/client.js";
import { localApiSocketPath } from "../../agent/local-api/socket-path.js";
import { unmountUnder } from "../../hostpaths/pin.js";
import { CliProcess, type LogLine } from "./cli-process.js";

export type { LogLine } from "./cli-process.js";

/** A real agent process (`daemonlet agent`) with its own node name, manifest and state dirs. */
export class AgentProcess {
  private readonly process: CliProcess;

  private constructor(
    readonly nodeName: string,
    readonly root: string,
    readonly extraArgs: string[],
    compiled: boolean,
  ) {
    this.process = new CliProcess(`agent ${nodeName}`, compiled);
  }

  get logs(): LogLine[] {
    return this.process.logs;
  }

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

  /** `compiled`: run dist/ with plain node rather than the sources through tsx (benchmarks). */
  static async create(
    prefix: string,
    extraArgs: string[] = [],
    { compiled = false }: { compiled?: boolean } = {},
  ): Promise<AgentProcess> {
    const root = await mkdtemp(path.join(os.tmpdir(), `daemonlet-${prefix}-`));
    const agent = new AgentProcess(`${prefix}-${process.pid}`, root, extraArgs, compiled);
    await mkdir(agent.manifests);
    await mkdir(agent.hostData);
    return agent;
  }

  /** The agent's process id while it runs. */
  get pid(): number | undefined {
    return this.process.pid;
  }

  /** True while the agent process has neither exited nor been killed by a signal. */
  isRunning(): boolean {
    return this.process.isRunning();
  }

  /**
   * Spawns the agent, `nodeArgs` given to node, and waits for the log line `until` (by default
   * "agent running"; an agent that cannot reach its engine logs "container engine unreachable…"
   * and waits instead).
   */
  async start({
    until = "agent running",
    nodeArgs = [],
  }: { until?: string; nodeArgs?: string[] } = {}): Promise<void> {
    await this.process.start(
      [
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
        // A free port each: agents of parallel tests share this machine.
        "--metrics-listen",
        "127.0.0.1:0",
        ...this.extraArgs,
      ],
      until,
      nodeArgs,
    );
  }

  /** Stops the process with a signal (SIGKILL to simulate a crash) and waits for it. */
  kill(signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> {
    return this.process.kill(signal);
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
    // The agent's hostPath pins are bind mounts of their sources: not to be deleted through.
    await unmountUnder(this.root);
    await rm(this.root, { recursive: true, force: true });
  }
}

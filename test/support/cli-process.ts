import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { waitFor } from "./wait.js";

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export interface LogLine {
  level: string;
  message: string;
  [field: string]: unknown;
}

/**
 * A long-running `daemonlet …` command (agent, hub) run from the sources, its JSON log lines
 * collected across restarts.
 */
export class CliProcess {
  private child?: ChildProcess;
  private exited?: Promise<number | null>;
  readonly logs: LogLine[] = [];

  /**
   * `compiled`: run the built CLI (bin/daemonlet.js, the bundle of `npm run build`) with plain
   * node, as an installed daemonlet runs, instead of the sources through tsx; benchmarks need it.
   */
  constructor(
    private readonly label: string,
    private readonly compiled = false,
  ) {}

  get pid(): number | undefined {
    return this.isRunning() ? this.child?.pid : undefined;
  }

  isRunning(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Spawns `node NODE_ARGS daemonlet ARGS` and waits until this run logs `until`; returns that line. */
  async start(args: string[], until: string, nodeArgs: string[] = []): Promise<LogLine> {
    // Only this run's lines count: after a restart, the previous run's are still in `logs`.
    const mark = this.logs.length;
    const entry = this.compiled
      ? [path.join(REPO, "bin/daemonlet.js")]
      : ["--import", "tsx", path.join(REPO, "cli/main.ts")];
    const child = spawn(process.execPath, [...nodeArgs, ...entry, ...args], {
      cwd: REPO,
      stdio: ["ignore", "pipe", "pipe"],
    });
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
    return waitFor(
      async () => {
        if (child.exitCode !== null) {
          throw new Error(`${this.label} exited with ${child.exitCode}: ${stderr}`);
        }
        return this.logs.slice(mark).find((l) => l.message === until);
      },
      { timeoutMs: 30_000, what: `${this.label} to log "${until}"` },
    );
  }

  /** Stops the process with a signal (SIGKILL to simulate a crash) and waits for it. */
  async kill(signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> {
    if (!this.isRunning()) return null;
    this.child?.kill(signal);
    return this.exited ?? null;
  }
}

// How the hub holds up with a large fleet: a real hub process (the bundle, plain node) and N
// simulated agents (bench/sim-agent.ts, split over worker processes) speaking the real protocol
// on loopback. For each fleet size it measures the hub's RSS and CPU, `apply` → every node's pod
// Running, a rolling update with maxUnavailable 10 %, and the reconnect storm after the hub is
// SIGKILLed and restarted on the same data dir (all agents back, no pod lost or recreated).
// Prints a table and one JSON line.
//
//   npm run bench:hub-scale -- --nodes 1000,5000 [--workers 2]
//   env: BENCH_IDLE_SECONDS (20), BENCH_HUB_PROF=DIR (a CPU profile of the hub per phase there),
//   BENCH_HUB_UNTIL=apply (end each size after the apply phase, to iterate on it),
//   BENCH_HUB_NODE_OPTIONS (node options for the hub process only, e.g. heap sizes)
import { fork, type ChildProcess } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as delay } from "node:timers/promises";
import { HubClient } from "../hub/api/client.js";
import type { KubeObject } from "../hub/store/index.js";
import { freePort } from "../test/support/free-port.js";
import { HubProcess } from "../test/support/hub-process.js";
import { waitFor } from "../test/support/wait.js";
import { CLOCK_TICKS, processTicks, rssKb } from "./proc-stats.js";
import { parseHubScaleArgs, splitEvenly } from "./hub-scale-args.js";
import type { WorkerCommand, WorkerReport } from "./hub-scale-agents.js";
import { listenOverflows } from "./net-stats.js";
import { podContinuity, type PodContinuity, type PodOnNode } from "./pod-continuity.js";
import { HubProfiler, inspectOption } from "./hub-scale-profiler.js";

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const IDLE_S = Number(process.env["BENCH_IDLE_SECONDS"] ?? 20);
const PROFILE_DIR = process.env["BENCH_HUB_PROF"];
const UNTIL_APPLY = process.env["BENCH_HUB_UNTIL"] === "apply";
const HUB_NODE_OPTIONS = process.env["BENCH_HUB_NODE_OPTIONS"];
const DS_NAME = "scale";

interface Phase {
  seconds: number;
  hubCpuPct: number;
  hubRssMbMax: number;
  /** The simulator's worker processes together, to tell a slow hub from a slow simulator. */
  simCpuPct: number;
}

interface Result {
  nodes: number;
  fleetUp: Phase;
  idle: Phase;
  applyToRunning: Phase;
  /** Not measured with BENCH_HUB_UNTIL=apply, nor the storm. */
  rollingUpdate?: Phase;
  reconnectStorm?: Phase &
    PodContinuity & {
      hubRestartSeconds: number;
      agentsBackSeconds: number;
      /** Connections the kernel dropped from full accept queues (host-wide) during the storm. */
      listenOverflows: number;
    };
}

function dsManifest(generation: string): string {
  return `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: ${DS_NAME}
spec:
  selector:
    matchLabels: { app: ${DS_NAME} }
  updateStrategy:
    type: RollingUpdate
    rollingUpdate: { maxUnavailable: 10% }
  template:
    metadata:
      labels: { app: ${DS_NAME} }
    spec:
      terminationGracePeriodSeconds: 1
      containers:
        - name: agent
          image: busybox:1.36
          command: ["sleep", "86400"]
          env: [{ name: GENERATION, value: "${generation}" }]
`;
}

/** Samples a process's RSS while a phase runs, and its CPU over the phase. */
class PhaseMeter {
  private readonly ticks0: number;
  private readonly simTicks0: number;
  private readonly t0 = performance.now();
  private rssMax = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pid: () => number,
    private readonly simPids: () => number[],
  ) {
    this.ticks0 = processTicks(pid());
    this.simTicks0 = sumTicks(simPids());
    this.sample();
    this.timer = setInterval(() => this.sample(), 250);
  }

  private sample(): void {
    try {
      this.rssMax = Math.max(this.rssMax, rssKb(this.pid()));
    } catch {
      // Between a kill and the restart there is no process to read.
    }
  }

  /** `ticksBefore`: CPU of an earlier process of the same phase (the hub before its kill). */
  end(ticksBefore = 0): Phase {
    clearInterval(this.timer);
    this.sample();
    const seconds = (performance.now() - this.t0) / 1000;
    const ticks = processTicks(this.pid()) - this.ticks0 + ticksBefore;
    const pct = (t: number) => round((100 * t) / CLOCK_TICKS / seconds);
    return {
      seconds: round(seconds),
      hubCpuPct: pct(ticks),
      hubRssMbMax: round(this.rssMax / 1024),
      simCpuPct: pct(sumTicks(this.simPids()) - this.simTicks0),
    };
  }
}

function sumTicks(pids: number[]): number {
  return pids.reduce((sum, pid) => sum + processTicks(pid), 0);
}

class Fleet {
  private readonly reports = new Map<ChildProcess, WorkerReport>();
  private readonly workers: ChildProcess[] = [];

  constructor(
    nodes: number,
    workerCount: number,
    private readonly hubUrl: string,
    private readonly joinToken: string,
  ) {
    const names = Array.from({ length: nodes }, (_, i) => `sim-${String(i).padStart(5, "0")}`);
    for (const part of splitEvenly(names, workerCount)) {
      const worker = fork(path.join(ROOT, "bench/hub-scale-agents.ts"), [], {
        execArgv: ["--import", "tsx"],
        stdio: ["ignore", "inherit", "inherit", "ipc"],
      });
      worker.on("message", (m: WorkerReport) => this.reports.set(worker, m));
      worker.on("exit", (code) => {
        if (code !== 0 && code !== null) console.error(`simulator worker exited with ${code}`);
      });
      this.workers.push(worker);
      this.command(worker, { type: "start", hubUrl, joinToken, nodeNames: part });
    }
  }

  private command(worker: ChildProcess, command: WorkerCommand): void {
    worker.send(command);
  }

  total(): { joined: number; connected: number; pods: number; welcomed: number; added: number } {
    const t = { joined: 0, connected: 0, pods: 0, welcomed: 0, added: 0 };
    for (const r of this.reports.values()) {
      t.joined += r.joined;
      t.connected += r.connected;
      t.pods += r.pods;
      t.welcomed += r.counters.welcomed;
      t.added += r.counters.podsAdded;
    }
    return t;
  }

  /** Counting starts over; resolves once every worker has reported the reset. */
  async mark(): Promise<void> {
    this.reports.clear();
    for (const w of this.workers) this.command(w, { type: "mark" });
    await waitFor(() => this.reports.size === this.workers.length, { what: "workers' marks" });
  }

  stop(): void {
    for (const w of this.workers) {
      if (w.connected) this.command(w, { type: "stop" });
    }
  }

  get pids(): number[] {
    return this.workers.flatMap((w) => (w.pid === undefined ? [] : [w.pid]));
  }
}

type DsStatus = Record<string, number | undefined>;

async function dsStatus(client: HubClient): Promise<{ status: DsStatus; generation: number }> {
  const ds = await client.get({ kind: "DaemonSet", namespace: "default", name: DS_NAME });
  const meta = ds.metadata as { generation?: number };
  return {
    status: (ds as KubeObject & { status?: DsStatus }).status ?? {},
    generation: meta.generation ?? 0,
  };
}

/** Every node runs an updated, ready, available pod of the DaemonSet's current generation. */
async function rolledOut(client: HubClient, nodes: number): Promise<boolean> {
  const { status, generation } = await dsStatus(client);
  return (
    status["observedGeneration"] === generation &&
    status["desiredNumberScheduled"] === nodes &&
    status["currentNumberScheduled"] === nodes &&
    status["updatedNumberScheduled"] === nodes &&
    status["numberReady"] === nodes &&
    status["numberAvailable"] === nodes
  );
}

async function podsOnNodes(client: HubClient): Promise<PodOnNode[]> {
  const list = await client.list({ kind: "Pod", namespace: "default" });
  return list.items.map((p) => {
    const pod = p as KubeObject & { spec?: { nodeName?: string }; status?: { phase?: string } };
    return {
      uid: pod.metadata.uid ?? "",
      nodeName: pod.spec?.nodeName ?? "",
      phase: pod.status?.phase ?? "",
    };
  });
}

const minutes = (n: number) => n * 60_000;

/**
 * The hub under test runs the built CLI with plain node, as an installed hub does. With
 * BENCH_HUB_PROF it also listens for an inspector, through which each phase is profiled.
 */
class BenchHub {
  private profiler?: HubProfiler;

  private constructor(
    readonly process: HubProcess,
    private readonly inspectPort?: number,
  ) {}

  static async create(): Promise<BenchHub> {
    const hub = await HubProcess.create([], undefined, { compiled: true });
    return new BenchHub(hub, PROFILE_DIR === undefined ? undefined : await freePort());
  }

  get pid(): number {
    const pid = this.process.pid;
    if (pid === undefined) throw new Error("the hub is not running");
    return pid;
  }

  async start(): Promise<void> {
    const port = this.inspectPort;
    // The hub inherits this process's environment when it is spawned, which start() does
    // before its first await.
    const saved = process.env["NODE_OPTIONS"];
    const inspect = port === undefined ? undefined : inspectOption(port);
    if (inspect !== undefined || HUB_NODE_OPTIONS !== undefined) {
      process.env["NODE_OPTIONS"] = [saved, HUB_NODE_OPTIONS, inspect].filter(Boolean).join(" ");
    }
    const started = this.process.start();
    if (saved === undefined) delete process.env["NODE_OPTIONS"];
    else process.env["NODE_OPTIONS"] = saved;
    await started;
    if (port !== undefined) this.profiler = await HubProfiler.attach(port);
  }

  /** Measures one phase of the hub (and profiles it, with BENCH_HUB_PROF). */
  async phase(
    sim: () => number[],
  ): Promise<(name: string, ticksBefore?: number) => Promise<Phase>> {
    await this.profiler?.start();
    const meter = new PhaseMeter(() => this.pid, sim);
    return async (name, ticksBefore) => {
      const phase = meter.end(ticksBefore);
      if (PROFILE_DIR !== undefined) await this.profiler?.stop(PROFILE_DIR, name);
      return phase;
    };
  }

  async kill(signal: NodeJS.Signals): Promise<void> {
    this.profiler?.close();
    this.profiler = undefined;
    await this.process.kill(signal);
  }

  async dispose(): Promise<void> {
    this.profiler?.close();
    await this.process.dispose();
  }
}

async function run(nodes: number, workers: number): Promise<Result> {
  const hub = await BenchHub.create();
  let fleet: Fleet | undefined;
  const client = new HubClient(hub.process.api, 120_000);
  try {
    await hub.start();
    const f = new Fleet(nodes, workers, hub.process.url, hub.process.token);
    fleet = f;
    const sim = () => f.pids;
    let end = await hub.phase(sim);
    await waitFor(() => f.total().connected === nodes, {
      what: `${nodes} agents connected`,
      timeoutMs: minutes(10),
      intervalMs: 100,
    });
    await waitFor(async () => (await client.list({ kind: "Node" })).items.length === nodes, {
      what: "every node registered",
      timeoutMs: minutes(2),
      intervalMs: 500,
    });
    const fleetUp = await end(`hub-${nodes}-fleet-up`);

    end = await hub.phase(sim);
    await delay(IDLE_S * 1000);
    const idle = await end(`hub-${nodes}-idle`);

    end = await hub.phase(sim);
    await client.apply(dsManifest("1"), "bench");
    await waitFor(() => rolledOut(client, nodes), {
      what: "the DaemonSet running on every node",
      timeoutMs: minutes(10),
      intervalMs: 50,
    });
    const applyToRunning = await end(`hub-${nodes}-apply`);
    if (UNTIL_APPLY) return { nodes, fleetUp, idle, applyToRunning };

    end = await hub.phase(sim);
    await client.apply(dsManifest("2"), "bench");
    await waitFor(() => rolledOut(client, nodes), {
      what: "the rolling update done on every node",
      timeoutMs: minutes(20),
      intervalMs: 50,
    });
    await waitFor(() => f.total().pods === nodes, {
      what: "every old pod gone from its node",
      timeoutMs: minutes(2),
    });
    const rollingUpdate = await end(`hub-${nodes}-rolling-update`);

    const before = await podsOnNodes(client);
    await f.mark();
    const meter = new PhaseMeter(() => hub.pid, sim);
    const ticksBeforeKill = processTicks(hub.pid);
    const overflows0 = listenOverflows();
    const killedAt = performance.now();
    await hub.kill("SIGKILL");
    await hub.start();
    const hubRestartSeconds = round((performance.now() - killedAt) / 1000);
    // The restarted hub is profiled from its start() on: its first seconds are not sampled.
    end = await hub.phase(sim);
    await waitFor(() => f.total().welcomed >= nodes && f.total().connected === nodes, {
      what: "every agent back",
      timeoutMs: minutes(10),
      intervalMs: 50,
    });
    const agentsBackSeconds = round((performance.now() - killedAt) / 1000);
    await waitFor(() => rolledOut(client, nodes), {
      what: "every pod ready again",
      timeoutMs: minutes(5),
      intervalMs: 50,
    });
    await end(`hub-${nodes}-reconnect-storm`);
    const storm = meter.end(ticksBeforeKill);
    const overflows = listenOverflows() - overflows0;
    const continuity = podContinuity(before, await podsOnNodes(client));
    if (f.total().added > 0) continuity.created = Math.max(continuity.created, f.total().added);
    return {
      nodes,
      fleetUp,
      idle,
      applyToRunning,
      rollingUpdate,
      reconnectStorm: {
        ...storm,
        ...continuity,
        hubRestartSeconds,
        agentsBackSeconds,
        listenOverflows: overflows,
      },
    };
  } finally {
    fleet?.stop();
    client.close();
    await hub.dispose();
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

function table(results: Result[]): string {
  const rows = [
    ["nodes", "phase", "seconds", "hub CPU %", "hub RSS MB (max)", "sim CPU %", "notes"],
    ...results.flatMap((r) => {
      const s = r.reconnectStorm;
      const phases: [string, Phase, string][] = [
        ["fleet up (join + connect)", r.fleetUp, ""],
        ["idle (heartbeats)", r.idle, ""],
        ["apply → all running", r.applyToRunning, ""],
      ];
      if (r.rollingUpdate) phases.push(["rolling update (10 %)", r.rollingUpdate, ""]);
      if (s) {
        phases.push([
          "reconnect storm",
          s,
          `hub up ${s.hubRestartSeconds}s, agents back ${s.agentsBackSeconds}s, listen overflows ${s.listenOverflows}; pods kept ${s.kept}, lost ${s.lost}, created ${s.created}, not running ${s.notRunning}`,
        ]);
      }
      return phases.map(([name, p, notes]) => [
        r.nodes,
        name,
        p.seconds,
        p.hubCpuPct,
        p.hubRssMbMax,
        p.simCpuPct,
        notes,
      ]);
    }),
  ].map((row) => row.map(String));
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => r[i]?.length ?? 0))) ?? [];
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

async function main(): Promise<void> {
  const args = parseHubScaleArgs(process.argv.slice(2));
  const results: Result[] = [];
  for (const nodes of args.nodes) {
    console.error(`hub-scale: ${nodes} nodes (load average ${os.loadavg().map(round).join(" ")})`);
    results.push(await run(nodes, args.workers));
  }
  console.log(table(results));
  console.log(
    JSON.stringify({
      bench: "hub-scale",
      date: new Date().toISOString(),
      cpus: os.cpus().length,
      loadavg: os.loadavg().map(round),
      results,
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});

// How much CPU and memory a real agent spends probing 20 static pods at a 1 s period: each pod a
// busybox httpd with an httpGet readiness probe (tcpSocket on the first) and an exec liveness
// probe. Measured from /proc over a window with no pods (baseline), then over a window with all
// 20 pods Running and Ready. Prints a table and one JSON line; there is no threshold.
//
//   npm run bench:probes
//   env: BENCH_SECONDS (60), BENCH_BASELINE_SECONDS (20), BENCH_SETTLE_SECONDS (5, before each)
import { writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { setTimeout as delay } from "node:timers/promises";
import Docker from "dockerode";
import { LABEL } from "../agent/runtime/labels.js";
import { AgentProcess } from "../test/support/agent-process.js";
import { removeNodeContainers } from "../test/support/docker-cleanup.js";
import { waitFor } from "../test/support/wait.js";
import { isRunningAndReady, probedWebPod } from "./probed-pods.js";
import {
  CLOCK_TICKS,
  engineDelta,
  engineTicks,
  hostBusyTicks,
  processTicks,
  rssKb,
} from "./proc-stats.js";

const PODS = 20;
function seconds(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!(value > 0)) throw new Error(`${name} must be a positive number of seconds`);
  return value;
}
const WINDOW_S = seconds("BENCH_SECONDS", 60);
const BASELINE_S = seconds("BENCH_BASELINE_SECONDS", 20);
const SETTLE_S = seconds("BENCH_SETTLE_SECONDS", 5);
/** Probes per second the manifests ask for: one readiness and one liveness per pod. */
const EXPECTED = { httpGet: PODS - 1, tcpSocket: 1, exec: PODS, total: 2 * PODS };

/** Counts the engine's exec_start events for the node's containers while it runs. */
async function countExecs(node: string) {
  const filters: Docker.GetEventsOptions["filters"] = {
    type: ["container"],
    event: ["exec_start"],
    label: [`${LABEL.node}=${node}`],
  };
  const stream = await new Docker().getEvents({ filters });
  if (!(stream instanceof Readable)) throw new Error("the engine's event stream is not readable");
  let count = 0;
  // One JSON object a line, one line an exec.
  stream.on("data", (chunk: Buffer) => (count += chunk.toString().split("\n").length - 1));
  return {
    stop: () => {
      stream.destroy();
      return count;
    },
  };
}

interface Window {
  pods: number;
  seconds: number;
  agentCpuPct: number;
  agentRssMbMean: number;
  agentRssMbMax: number;
  engineCpuPct: number;
  hostCpuPct: number;
  execProbesPerSecond: number;
}

/** CPU as % of one core, RSS sampled once a second, over `windowS` seconds. */
async function measure(agent: AgentProcess, pods: number, windowS: number): Promise<Window> {
  const pid = agent.pid;
  if (pid === undefined) throw new Error("the agent is not running");
  const execs = await countExecs(agent.nodeName);
  const [cpu0, engine0, host0, t0] = [
    processTicks(pid),
    engineTicks(),
    hostBusyTicks(),
    Date.now(),
  ];
  const rss: number[] = [];
  while (Date.now() - t0 < windowS * 1000) {
    if (!agent.isRunning()) throw new Error("the agent exited during the window");
    rss.push(rssKb(pid));
    await delay(1000);
  }
  const [cpu1, engine1, host1, t1] = [
    processTicks(pid),
    engineTicks(),
    hostBusyTicks(),
    Date.now(),
  ];
  const elapsed = (t1 - t0) / 1000;
  const pct = (ticks: number) => round((100 * ticks) / CLOCK_TICKS / elapsed);
  return {
    pods,
    seconds: round(elapsed),
    agentCpuPct: pct(cpu1 - cpu0),
    agentRssMbMean: round(rss.reduce((a, b) => a + b, 0) / rss.length / 1024),
    agentRssMbMax: round(Math.max(...rss) / 1024),
    engineCpuPct: pct(engineDelta(engine0, engine1)),
    hostCpuPct: pct(host1 - host0),
    execProbesPerSecond: round(execs.stop() / elapsed),
  };
}

const round = (n: number) => Math.round(n * 10) / 10;

function printTable(rows: [string, Window, number][]): void {
  const head = ["window", "pods", "seconds", "agent CPU %", "agent RSS MB mean/max"];
  head.push("engine CPU %", "host CPU %", "probes/s expected", "exec probes/s seen");
  const body = rows.map(([name, w, expected]) => [
    name,
    String(w.pods),
    w.seconds.toFixed(1),
    w.agentCpuPct.toFixed(1),
    `${w.agentRssMbMean.toFixed(1)} / ${w.agentRssMbMax.toFixed(1)}`,
    w.engineCpuPct.toFixed(1),
    w.hostCpuPct.toFixed(1),
    String(expected),
    w.execProbesPerSecond.toFixed(1),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]?.length ?? 0)));
  for (const r of [head, ...body]) {
    console.log(
      r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  "),
    );
  }
  console.log(
    `CPU % is of one core (${os.availableParallelism()} cores here). engine = dockerd, containerd` +
      ` and the shims, with the runc processes they reaped; host = every process (/proc/stat).`,
  );
}

let agent: AgentProcess | undefined;
let cleaning: Promise<void> | undefined;
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    if (!agent) return;
    await agent.dispose();
    await removeNodeContainers(agent.nodeName);
  })();
  return cleaning;
}
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.error(`${signal}: cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });
}

async function main(): Promise<void> {
  agent = await AgentProcess.create("bench-probes");
  const a = agent;
  await a.start();
  console.error(`agent ${a.nodeName} pid ${a.pid}; baseline ${BASELINE_S} s with no pods`);
  await delay(SETTLE_S * 1000);
  const baseline = await measure(a, 0, BASELINE_S);

  await Promise.all(
    Array.from({ length: PODS }, (_, i) =>
      writeFile(
        path.join(a.manifests, `web-${i}.json`),
        JSON.stringify(probedWebPod(i, { periodSeconds: 1, tcpReadiness: i === 0 }), null, 2),
      ),
    ),
  );
  const started = Date.now();
  await waitFor(async () => (await a.pods()).filter(isRunningAndReady).length, {
    what: `${PODS} pods Running and Ready`,
    until: (ready) => ready === PODS,
    timeoutMs: 180_000,
    intervalMs: 500,
  });
  const readyAfterS = round((Date.now() - started) / 1000);
  console.error(`${PODS} pods ready after ${readyAfterS} s; measuring ${WINDOW_S} s`);
  await delay(SETTLE_S * 1000);
  const loaded = await measure(a, PODS, WINDOW_S);

  const pods = await a.pods();
  const restarts = pods
    .flatMap((p) => p.status?.containerStatuses ?? [])
    .reduce((sum, c) => sum + c.restartCount, 0);
  const notReadyAtEnd = PODS - pods.filter(isRunningAndReady).length;

  printTable([
    ["baseline", baseline, 0],
    ["probes", loaded, EXPECTED.total],
  ]);
  console.log(
    JSON.stringify({
      bench: "agent-probes",
      date: new Date().toISOString(),
      node: process.version,
      nproc: os.availableParallelism(),
      cpu: os.cpus()[0]?.model,
      kernel: os.release(),
      clockTicks: CLOCK_TICKS,
      expectedProbesPerSecond: EXPECTED,
      readyAfterSeconds: readyAfterS,
      restarts,
      notReadyAtEnd,
      baseline,
      probes: loaded,
    }),
  );
}

try {
  await main();
} finally {
  await cleanup();
}

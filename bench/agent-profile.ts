// Where the agent's CPU goes with probed pods: the agent from the bundle (as shipped, with the
// unit's node flags and environment) runs N probed pods (bench/probed-pods.ts) behind a counting
// proxy on its Engine API socket; after the pods are Ready, one window samples its CPU (ticks), a
// CPU profile over the inspector, and the Engine API requests it sent, by kind. Prints the
// requests a minute, the CPU, and the profile's self time by function; writes the profile to
// BENCH_PROFILE_DIR (/tmp).
//
//   npm run build && flock /tmp/daemonlet-bench.lock node --import tsx bench/agent-profile.ts
//   env: BENCH_SECONDS (60), BENCH_SETTLE_SECONDS (5), BENCH_PODS (20), BENCH_PROBE_PERIOD (10),
//        BENCH_PROFILE_DIR (/tmp)
import { readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { AgentProcess } from "../test/support/agent-process.js";
import { HubProcess } from "../test/support/hub-process.js";
import { agentWithContainers, disposeAll } from "../test/support/cleanup.js";
import { EngineProxy } from "../test/support/engine-proxy.js";
import { waitFor } from "../test/support/wait.js";
import { HubProfiler, inspectOption } from "./hub-scale-profiler.js";
import { isRunningAndReady, probedWebPod } from "./probed-pods.js";
import { CLOCK_TICKS, processTicks } from "./proc-stats.js";
import { startAsShipped } from "./shipped-agent.js";
import { envNumber, onExit, round } from "./report.js";

const WINDOW_S = envNumber("BENCH_SECONDS", 60);
const SETTLE_S = envNumber("BENCH_SETTLE_SECONDS", 5);
const PODS = envNumber("BENCH_PODS", 20);
const PROBE_PERIOD_S = envNumber("BENCH_PROBE_PERIOD", 10);
const PROFILE_DIR = process.env["BENCH_PROFILE_DIR"] ?? os.tmpdir();
const INSPECT_PORT = 9329;
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time (ms) by function, largest first. */
function selfTimes(profile: Profile): [string, number][] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const f = byId.get(id)?.callFrame;
    const where = f?.url ? `${path.basename(f.url)}:${f.lineNumber + 1}` : "";
    const key = `${f?.functionName || "(anonymous)"} ${where}`.trim();
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return [...self].sort((a, b) => b[1] - a[1]);
}

let hub: HubProcess | undefined;
let agent: AgentProcess | undefined;
let proxy: EngineProxy | undefined;
const cleanup = onExit(() =>
  disposeAll([agentWithContainers(agent), () => hub?.dispose(), () => proxy?.close()]),
);

async function main(): Promise<void> {
  proxy = await EngineProxy.start(path.join(os.tmpdir(), `daemonlet-profile-${process.pid}.sock`));
  const counter = proxy;
  hub = await HubProcess.create([], undefined, { compiled: true });
  await hub.start();
  agent = await AgentProcess.create(
    "bench-profile",
    [...hub.agentArgs(), "--docker-socket", counter.socketPath],
    { compiled: true },
  );
  const a = agent;
  // As the unit starts it, and the inspector for the profiler on top.
  await startAsShipped(a, inspectOption(INSPECT_PORT));
  for (let i = 0; i < PODS; i++) {
    await writeFile(
      path.join(a.manifests, `web-${i}.json`),
      JSON.stringify(probedWebPod(i, { periodSeconds: PROBE_PERIOD_S })),
    );
  }
  await waitFor(async () => (await a.pods()).filter(isRunningAndReady).length, {
    what: `${PODS} pods Running and Ready`,
    until: (ready) => ready === PODS,
    timeoutMs: 300_000,
    intervalMs: 500,
  });
  await delay(SETTLE_S * 1000);
  const profiler = await HubProfiler.attach(INSPECT_PORT);
  await profiler.start();
  counter.reset();
  const [cpu0, t0] = [processTicks(a.pid ?? 0), Date.now()];
  await delay(WINDOW_S * 1000);
  const elapsed = (Date.now() - t0) / 1000;
  const cpuPct = round((100 * (processTicks(a.pid ?? 0) - cpu0)) / CLOCK_TICKS / elapsed, 2);
  const counts = counter.counts();
  const name = `agent-${PODS}pods-${new Date().toISOString().replace(/[:.]/g, "")}`;
  await profiler.stop(PROFILE_DIR, name);
  profiler.close();
  const restarts = (await a.pods())
    .flatMap((p) => p.status?.containerStatuses ?? [])
    .reduce((sum, c) => sum + c.restartCount, 0);

  console.log(
    `agent, ${PODS} pods, ${round(elapsed)} s: CPU ${cpuPct} % of a core (with the inspector attached), restarts ${restarts}`,
  );
  console.log("Engine API requests a minute:");
  for (const [k, n] of [...counts].sort((x, y) => y[1] - x[1]))
    console.log(`  ${String(round((n * 60) / elapsed)).padStart(6)}  ${k}`);
  const profile = JSON.parse(
    await readFile(path.join(PROFILE_DIR, `${name}.cpuprofile`), "utf8"),
  ) as Profile;
  const self = selfTimes(profile);
  const busy = self.filter(([k]) => !k.startsWith("(idle)")).reduce((s, [, ms]) => s + ms, 0);
  console.log(`Profile ${path.join(PROFILE_DIR, name)}.cpuprofile: busy ${round(busy)} ms`);
  for (const [k, ms] of self.slice(0, 40)) console.log(`  ${ms.toFixed(1).padStart(8)} ms  ${k}`);
}

try {
  await main();
} finally {
  await cleanup();
}

// What the agent costs on a node: its RSS and CPU (% of one core) averaged over a window, idle
// with 0, 20 and 50 running pods with probes on (an httpGet readiness and an exec liveness probe
// per pod, at Kubernetes' default 10 s period), beside floors measured in the same run: a bare
// `node` process, one that only imports the agent's npm dependencies, and what each dependency
// and each part of daemonlet costs alone when imported (those from tsc's dist/). The agent runs
// from the bundle (bin/daemonlet.js, dist/bundle/), connected to a hub run the same way, as an
// installed agent would, with the node flags and environment of the systemd unit
// (bench/shipped-agent.ts); the floors run under them too.
//
//   npm run bench:agent-footprint
//   env: BENCH_SECONDS (60, each window), BENCH_SETTLE_SECONDS (5), BENCH_PODS ("0,20,50"),
//        BENCH_PROBE_PERIOD (10)
import { spawn, type ChildProcess } from "node:child_process";
import type { Pod } from "kubernetes-types/core/v1.js";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { AgentProcess } from "../test/support/agent-process.js";
import { HubProcess } from "../test/support/hub-process.js";
import { REPO } from "../test/support/cli-process.js";
import { agentWithContainers, disposeAll } from "../test/support/cleanup.js";
import { waitFor } from "../test/support/wait.js";
import { isRunningAndReady, probedWebPod } from "./probed-pods.js";
import { CLOCK_TICKS, processTicks, rssKb } from "./proc-stats.js";
import {
  shippedNode,
  shippedNodeArgs,
  shippedEnvironment,
  startAsShipped,
} from "./shipped-agent.js";
import { envNumber, machine, onExit, printTable, round } from "./report.js";

const WINDOW_S = envNumber("BENCH_SECONDS", 60);
const SETTLE_S = envNumber("BENCH_SETTLE_SECONDS", 5);
const PROBE_PERIOD_S = envNumber("BENCH_PROBE_PERIOD", 10);
const POD_COUNTS = (process.env["BENCH_PODS"] ?? "0,20,50").split(",").map(Number);
/** The npm packages the agent's code imports (kubernetes-types is types only). */
const AGENT_DEPENDENCIES = [
  "ws",
  "@grpc/grpc-js",
  "protobufjs/light.js",
  "winston",
  "yaml",
  "zod",
  "commander",
];
/** Parts of daemonlet, compiled, each imported alone. */
const PARTS: Record<string, string> = {
  "the agent (dist/agent/agent.js + runtime)":
    "dist/agent/agent.js,dist/agent/runtime/docker-runtime.js",
  "the hub (dist/hub/hub.js)": "dist/hub/hub.js",
  "the CLI as `daemonlet agent` loads it (main.js's imports + run-agent.js)":
    "dist/cli/agent-command.js,dist/cli/hub-command.js,dist/cli/hub-api-commands.js," +
    "dist/cli/node-pods.js,dist/cli/rollout-cli.js,dist/cli/token-commands.js,dist/cli/run-agent.js",
};

interface Window {
  what: string;
  seconds: number;
  cpuPct: number;
  rssMbMean: number;
  rssMbMax: number;
}

/** CPU as % of one core, RSS sampled once a second, over `windowS` seconds. */
async function measure(what: string, pid: number, windowS: number): Promise<Window> {
  const [cpu0, t0] = [processTicks(pid), Date.now()];
  const rss: number[] = [];
  while (Date.now() - t0 < windowS * 1000) {
    rss.push(rssKb(pid));
    await delay(1000);
  }
  const elapsed = (Date.now() - t0) / 1000;
  return {
    what,
    seconds: round(elapsed),
    cpuPct: round((100 * (processTicks(pid) - cpu0)) / CLOCK_TICKS / elapsed, 2),
    rssMbMean: round(rss.reduce((a, b) => a + b, 0) / rss.length / 1024),
    rssMbMax: round(Math.max(...rss) / 1024),
  };
}

/** A node process that imports `modules` (specifiers or repo paths), then idles until killed. */
function idleNode(modules: string[]): ChildProcess {
  const imports = modules
    .map((m) => (m.startsWith("dist/") ? path.join(REPO, m) : m))
    .map((m) => `await import(${JSON.stringify(m)});`)
    .join(" ");
  return spawn(
    process.execPath,
    [
      ...shippedNodeArgs(),
      "--input-type=module",
      "-e",
      `${imports} console.log("ready"); setInterval(() => {}, 1000);`,
    ],
    {
      cwd: REPO,
      env: { ...process.env, ...shippedEnvironment() },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
}

async function floor(what: string, modules: string[], windowS: number): Promise<Window> {
  const child = idleNode(modules);
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout?.once("data", () => resolve());
      child.once("exit", (code) => reject(new Error(`${what}: exited with ${code}`)));
    });
    await delay(1000); // let start-up garbage be collected or not, as it would be
    return await measure(what, child.pid ?? 0, windowS);
  } finally {
    child.kill("SIGKILL");
  }
}

let hub: HubProcess | undefined;
let agent: AgentProcess | undefined;
const cleanup = onExit(() => disposeAll([agentWithContainers(agent), () => hub?.dispose()]));

async function main(): Promise<void> {
  // Each part alone, briefly: only its RSS counts here.
  const alone: Window[] = [];
  for (const dep of AGENT_DEPENDENCIES) alone.push(await floor(dep, [dep], 2));
  for (const [what, files] of Object.entries(PARTS))
    alone.push(await floor(what, files.split(","), 2));
  const bare = await floor("bare node", [], WINDOW_S);
  const deps = await floor("node + the agent's dependencies", AGENT_DEPENDENCIES, WINDOW_S);

  hub = await HubProcess.create([], undefined, { compiled: true });
  await hub.start();
  agent = await AgentProcess.create("bench-footprint", hub.agentArgs(), { compiled: true });
  const a = agent;
  const h = hub;
  // Read through the hub, not the agent's local API: a query would load the local API's gRPC
  // server into the agent, and an idle agent is what is measured.
  const mirrorPods = async () =>
    (JSON.parse(await h.cli("get", "pods", "-A", "-o", "json")) as { items: Pod[] }).items;
  await startAsShipped(a);
  const windows: Window[] = [];
  let written = 0;
  for (const pods of POD_COUNTS) {
    for (; written < pods; written++) {
      await writeFile(
        path.join(a.manifests, `web-${written}.json`),
        JSON.stringify(probedWebPod(written, { periodSeconds: PROBE_PERIOD_S })),
      );
    }
    await waitFor(async () => (await mirrorPods()).filter(isRunningAndReady).length, {
      what: `${pods} pods Running and Ready`,
      until: (ready) => ready === pods,
      timeoutMs: 300_000,
      intervalMs: 500,
    });
    await delay(SETTLE_S * 1000);
    console.error(`measuring the agent with ${pods} pods for ${WINDOW_S} s`);
    windows.push(await measure(`agent, ${pods} pods`, a.pid ?? 0, WINDOW_S));
  }
  const restarts = (await mirrorPods())
    .flatMap((p) => p.status?.containerStatuses ?? [])
    .reduce((sum, c) => sum + c.restartCount, 0);

  const row = (w: Window, over = true) => [
    w.what,
    w.seconds.toFixed(0),
    w.cpuPct.toFixed(2),
    `${w.rssMbMean.toFixed(1)} / ${w.rssMbMax.toFixed(1)}`,
    over ? `+${round(w.rssMbMean - bare.rssMbMean).toFixed(1)}` : "",
  ];
  printTable(
    ["process", "seconds", "CPU % of a core", "RSS MB mean / max", "RSS over bare node"],
    [row(bare, false), row(deps), ...windows.map((w) => row(w))],
  );
  console.log("");
  printTable(
    ["imported alone (RSS after import)", "RSS MB", "over bare node"],
    alone.map((w) => [
      w.what,
      w.rssMbMean.toFixed(1),
      `+${round(w.rssMbMean - bare.rssMbMean).toFixed(1)}`,
    ]),
  );
  console.log(`Probes: httpGet readiness + exec liveness per pod, every ${PROBE_PERIOD_S} s.`);
  console.log(
    `Agent and floors as the systemd unit starts the agent: ${JSON.stringify(shippedNode())}.`,
  );
  console.log(
    JSON.stringify({
      bench: "agent-footprint",
      ...machine(),
      windowSeconds: WINDOW_S,
      probePeriodSeconds: PROBE_PERIOD_S,
      ...shippedNode(),
      restarts,
      bareNode: bare,
      agentDependencies: deps,
      agent: windows,
      importedAlone: alone.map((w) => ({ what: w.what, rssMb: w.rssMbMean })),
    }),
  );
}

try {
  await main();
} finally {
  await cleanup();
}

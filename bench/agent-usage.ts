// What node and pod usage sampling costs the agent: 20 static pods (busybox sleep, no probes),
// the agent measured from /proc over a window at the default sampling period (10 s) and at 1 s,
// where the sampling cost is ten times as visible (a fresh agent and pods for each). The agent
// runs from the sources through tsx, as the tests run it. Prints a table and one JSON line.
//
//   npm run bench:agent-usage          env: BENCH_SECONDS (60), BENCH_SETTLE_SECONDS (10)
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import type { Pod } from "kubernetes-types/core/v1.js";
import { AgentProcess } from "../test/support/agent-process.js";
import { removeNodeContainers } from "../test/support/docker-cleanup.js";
import { waitFor } from "../test/support/wait.js";
import { CLOCK_TICKS, processTicks, rssKb } from "./proc-stats.js";

const PODS = 20;
const WINDOW_S = Number(process.env["BENCH_SECONDS"] ?? 60);
const SETTLE_S = Number(process.env["BENCH_SETTLE_SECONDS"] ?? 10);

function manifest(i: number): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: `idle-${String(i).padStart(2, "0")}` },
    spec: {
      terminationGracePeriodSeconds: 1,
      containers: [
        {
          name: "idle",
          image: "busybox:1.36",
          imagePullPolicy: "Never",
          command: ["sleep", "86400"],
        },
      ],
    },
  };
}

interface Row {
  usageIntervalSeconds: number;
  seconds: number;
  agentCpuPct: number;
  agentRssMbMax: number;
}

async function measure(agent: AgentProcess, interval: number): Promise<Row> {
  const pid = agent.pid;
  if (pid === undefined) throw new Error("the agent is not running");
  const [cpu0, t0] = [processTicks(pid), Date.now()];
  let rssMax = 0;
  while (Date.now() - t0 < WINDOW_S * 1000) {
    rssMax = Math.max(rssMax, rssKb(pid));
    await delay(1000);
  }
  const elapsed = (Date.now() - t0) / 1000;
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    usageIntervalSeconds: interval,
    seconds: round(elapsed),
    agentCpuPct: round((100 * (processTicks(pid) - cpu0)) / CLOCK_TICKS / elapsed),
    agentRssMbMax: round(rssMax / 1024),
  };
}

let agent: AgentProcess | undefined;
async function main(): Promise<void> {
  const rows: Row[] = [];
  for (const interval of [10, 1]) {
    const previous = agent;
    agent = await AgentProcess.create("bench-usage");
    if (previous) {
      await previous.dispose();
      await removeNodeContainers(previous.nodeName);
    }
    const a = agent;
    const config = path.join(a.root, "agent.yaml");
    await writeFile(config, `usageIntervalSeconds: ${interval}\n`);
    a.extraArgs.push("--config", config);
    await Promise.all(
      Array.from({ length: PODS }, (_, i) =>
        writeFile(path.join(a.manifests, `idle-${i}.json`), JSON.stringify(manifest(i))),
      ),
    );
    await a.start();
    await waitFor(
      async () => (await a.pods()).filter((p) => p.status?.phase === "Running").length,
      {
        what: `${PODS} pods running`,
        timeoutMs: 120_000,
        intervalMs: 500,
        until: (n) => n === PODS,
      },
    );
    await delay(SETTLE_S * 1000);
    rows.push(await measure(a, interval));
  }
  console.log("usage period s  seconds  agent CPU % of one core  agent RSS MB max");
  for (const r of rows) {
    console.log(
      `${String(r.usageIntervalSeconds).padStart(14)}  ${r.seconds.toFixed(1).padStart(7)}  ${r.agentCpuPct.toFixed(2).padStart(23)}  ${r.agentRssMbMax.toFixed(1).padStart(16)}`,
    );
  }
  console.log(JSON.stringify({ bench: "agent-usage", pods: PODS, rows }));
}

try {
  await main();
} finally {
  if (agent) {
    await agent.dispose();
    await removeNodeContainers(agent.nodeName);
  }
}

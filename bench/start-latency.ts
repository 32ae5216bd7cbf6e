// How long a pod takes to run: from the moment the agent is given it (a static pod written to its
// manifest dir) to its container running, and from `apply` at the hub to the container running,
// beside the floor measured in the same run: dockerode's create + start of the same image with
// nothing else around it. One pod at a time, so each figure is one pod's path, not a queue.
// "Running" is the engine's own State.StartedAt, so polling adds nothing to the figures.
// The agent and the hub run from the bundle (bin/daemonlet.js; `npm run build` first) with plain
// node, the agent as the systemd unit starts it, with its node flags and environment
// (bench/shipped-agent.ts).
//
//   npm run bench:start-latency
//   env: BENCH_PODS (50)
import { writeFile } from "node:fs/promises";
import path from "node:path";
import Docker from "dockerode";
import { LABEL } from "../agent/runtime/labels.js";
import { HubClient } from "../hub/api/index.js";
import { AgentProcess } from "../test/support/agent-process.js";
import { HubProcess } from "../test/support/hub-process.js";
import { removeNodeContainers } from "../test/support/docker-cleanup.js";
import { daemonSetYaml } from "../test/support/manifests.js";
import { waitFor } from "../test/support/wait.js";
import {
  envNumber,
  machine,
  onExit,
  printTable,
  round,
  summarize,
  type Summary,
} from "./report.js";
import { shippedNode, startAsShipped } from "./shipped-agent.js";

const PODS = envNumber("BENCH_PODS", 50);
const IMAGE = "busybox:1.36";
const COMMAND = ["sleep", "3600"];
const docker = new Docker();

/** The engine's start time of the one container with these labels, once it has started. */
async function startedAt(...labels: string[]): Promise<number> {
  return waitFor(
    async () => {
      const [found] = await docker.listContainers({ filters: { label: labels } });
      if (!found) return undefined;
      const started = Date.parse((await docker.getContainer(found.Id).inspect()).State.StartedAt);
      return started > 0 ? started : undefined;
    },
    {
      what: `a running container labelled ${labels.join(", ")}`,
      timeoutMs: 60_000,
      intervalMs: 10,
    },
  );
}

/** dockerode create + start, as bare as it gets: the floor under any agent. */
async function floor(node: string): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < PODS; i++) {
    const t0 = Date.now();
    const container = await docker.createContainer({
      Image: IMAGE,
      Cmd: COMMAND,
      Labels: { [LABEL.node]: node },
    });
    await container.start();
    out.push(Date.parse((await container.inspect()).State.StartedAt) - t0);
  }
  return out;
}

function staticPod(name: string): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name },
    spec: {
      terminationGracePeriodSeconds: 1,
      containers: [{ name: "app", image: IMAGE, imagePullPolicy: "Never", command: COMMAND }],
    },
  });
}

const daemonSet = (name: string) =>
  daemonSetYaml(name, { container: { image: IMAGE, imagePullPolicy: "Never", command: COMMAND } });

let hub: HubProcess | undefined;
let agent: AgentProcess | undefined;
const floorNode = `bench-floor-${process.pid}`;
const cleanup = onExit(async () => {
  await agent?.kill("SIGKILL");
  if (agent) await removeNodeContainers(agent.nodeName);
  await agent?.dispose();
  await hub?.dispose();
  await removeNodeContainers(floorNode);
});

async function main(): Promise<void> {
  hub = await HubProcess.create([], undefined, { compiled: true });
  await hub.start();
  agent = await AgentProcess.create("bench-start", hub.agentArgs(), { compiled: true });
  const a = agent;
  await startAsShipped(a);
  const api = new HubClient(hub.api);
  console.error(`agent ${a.nodeName}, ${PODS} pods each way, one at a time`);

  // Warm the engine's caches so the first figure of each series is not an outlier of its own.
  await floor(floorNode).then(() => removeNodeContainers(floorNode));
  const floorMs = await floor(floorNode);
  await removeNodeContainers(floorNode);

  const staticMs: number[] = [];
  for (let i = 0; i < PODS; i++) {
    const name = `static-${i}`;
    const t0 = Date.now();
    await writeFile(path.join(a.manifests, `${name}.json`), staticPod(name));
    const node = `${LABEL.node}=${a.nodeName}`;
    staticMs.push((await startedAt(node, `${LABEL.podName}=${name}-${a.nodeName}`)) - t0);
  }

  const applyMs: number[] = [];
  for (let i = 0; i < PODS; i++) {
    const name = `ds-${i}`;
    const t0 = Date.now();
    await api.apply(daemonSet(name));
    const pod = await waitFor(
      async () => {
        const found = await docker.listContainers({
          filters: { label: [`${LABEL.node}=${a.nodeName}`] },
        });
        return found.find((c) => c.Labels[LABEL.podName]?.startsWith(`${name}-`));
      },
      { what: `the container of ${name}`, timeoutMs: 60_000, intervalMs: 10 },
    );
    const podName = `${LABEL.podName}=${pod.Labels[LABEL.podName]}`;
    applyMs.push((await startedAt(`${LABEL.node}=${a.nodeName}`, podName)) - t0);
  }
  api.close();

  const floorS = summarize(floorMs);
  const staticS = summarize(staticMs);
  const applyS = summarize(applyMs);
  const overhead = (s: Summary) => ({
    p50: round((100 * (s.p50 - floorS.p50)) / floorS.p50),
    p99: round((100 * (s.p99 - floorS.p99)) / floorS.p99),
  });
  const row = (name: string, s: Summary, over?: { p50: number; p99: number }) => [
    name,
    String(s.n),
    String(s.p50),
    String(s.p95),
    String(s.p99),
    String(s.max),
    over ? `${over.p50} / ${over.p99}` : "",
  ];
  printTable(
    ["path (ms)", "pods", "p50", "p95", "p99", "max", "over floor % p50 / p99"],
    [
      row("floor: dockerode create+start", floorS),
      row("agent: assigned -> running", staticS, overhead(staticS)),
      row("hub: apply -> running", applyS, overhead(applyS)),
    ],
  );
  console.log(`Agent as the systemd unit starts it: ${JSON.stringify(shippedNode())}.`);
  console.log(
    JSON.stringify({
      bench: "start-latency",
      ...machine(),
      pods: PODS,
      ...shippedNode(),
      floorMs: floorS,
      assignedToRunningMs: staticS,
      applyToRunningMs: applyS,
      overheadPct: { assigned: overhead(staticS), apply: overhead(applyS) },
    }),
  );
}

try {
  await main();
} finally {
  await cleanup();
}

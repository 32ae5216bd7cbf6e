// daemonlet against Docker Swarm's `--mode global` services, on the same engine in the same run:
// time from create/apply to the container running, and from an image update to the new
// container running, with the same workload (exits on SIGTERM) and the same 10 s stop grace on
// both. Swarm is driven through the engine's API (dockerode), daemonlet through the hub's API,
// so neither pays for a CLI process. "Running" is the engine's State.StartedAt of the container.
// A one-node swarm is made for the run (`docker swarm init --advertise-addr 127.0.0.1`) and left
// afterwards, only when this run made it. The agent and the hub run from the bundle
// (bin/daemonlet.js).
//
//   npm run bench:swarm-compare
//   env: BENCH_ROUNDS (5)
import Docker from "dockerode";
import { LABEL } from "../agent/runtime/labels.js";
import { HubClient } from "../hub/api/index.js";
import { AgentProcess } from "../test/support/agent-process.js";
import { HubProcess } from "../test/support/hub-process.js";
import { removeNodeContainers } from "../test/support/docker-cleanup.js";
import { daemonSetYaml } from "../test/support/manifests.js";
import { waitFor } from "../test/support/wait.js";
import { envNumber, machine, onExit, printTable, round, summarize } from "./report.js";

const ROUNDS = envNumber("BENCH_ROUNDS", 5);
const GRACE_S = 10;
const BASE_IMAGE = "busybox:1.36";
const REPO = `daemonlet-bench-${process.pid}`;
const IMAGES = { v1: `${REPO}:v1`, v2: `${REPO}:v2` };
/** A workload that stops at once on SIGTERM, so the grace only bounds a stuck stop. */
const COMMAND = ["sh", "-c", 'trap "exit 0" TERM; sleep 3600 & wait'];
const SERVICE_LABEL = "com.docker.swarm.service.name";
const docker = new Docker();

/** The start time of a running container with these labels and image, once there is one. */
async function startedAt(labels: string[], image: string, match?: (podName: string) => boolean) {
  return waitFor(
    async () => {
      const found = await docker.listContainers({ filters: { label: labels } });
      for (const c of found) {
        if (!c.Image.startsWith(image)) continue;
        if (match && !match(c.Labels[LABEL.podName] ?? "")) continue;
        const started = Date.parse((await docker.getContainer(c.Id).inspect()).State.StartedAt);
        if (started > 0) return started;
      }
      return undefined;
    },
    {
      what: `a running ${image} container labelled ${labels.join(", ")}`,
      timeoutMs: 120_000,
      intervalMs: 10,
    },
  );
}

async function noContainers(labels: string[]): Promise<void> {
  await waitFor(
    async () =>
      (await docker.listContainers({ all: true, filters: { label: labels } })).length === 0,
    {
      what: `containers labelled ${labels.join(", ")} to be gone`,
      timeoutMs: 120_000,
    },
  );
}

interface Round {
  createMs: number;
  updateMs: number;
}

async function swarmRound(i: number): Promise<Round> {
  const name = `${REPO}-${i}`;
  const spec = (image: string) => ({
    Name: name,
    TaskTemplate: {
      ContainerSpec: { Image: image, Command: COMMAND, StopGracePeriod: GRACE_S * 1e9 },
    },
    Mode: { Global: {} },
  });
  const labels = [`${SERVICE_LABEL}=${name}`];
  let t0 = Date.now();
  const service = await docker.createService(spec(IMAGES.v1));
  const createMs = (await startedAt(labels, IMAGES.v1)) - t0;
  const { Version } = (await service.inspect()) as { Version: { Index: number } };
  t0 = Date.now();
  await service.update({ version: Version.Index, ...spec(IMAGES.v2) });
  const updateMs = (await startedAt(labels, IMAGES.v2)) - t0;
  await service.remove();
  await noContainers(labels);
  return { createMs, updateMs };
}

const daemonSet = (name: string, image: string) =>
  daemonSetYaml(name, {
    grace: GRACE_S,
    container: { image, imagePullPolicy: "Never", command: COMMAND },
  });

async function daemonletRound(api: HubClient, node: string, i: number): Promise<Round> {
  const name = `swarm-compare-${i}`;
  const labels = [`${LABEL.node}=${node}`];
  const ours = (podName: string) => podName.startsWith(`${name}-`);
  let t0 = Date.now();
  await api.apply(daemonSet(name, IMAGES.v1));
  const createMs = (await startedAt(labels, IMAGES.v1, ours)) - t0;
  t0 = Date.now();
  await api.apply(daemonSet(name, IMAGES.v2));
  const updateMs = (await startedAt(labels, IMAGES.v2, ours)) - t0;
  await api.delete({ kind: "DaemonSet", name });
  await waitFor(
    async () =>
      (await docker.listContainers({ all: true, filters: { label: labels } })).every(
        (c) => !ours(c.Labels[LABEL.podName] ?? ""),
      ),
    { what: `${name}'s containers to be gone`, timeoutMs: 120_000 },
  );
  return { createMs, updateMs };
}

let madeSwarm = false;
let hub: HubProcess | undefined;
let agent: AgentProcess | undefined;
const cleanup = onExit(async () => {
  for (const s of await docker.listServices().catch(() => [])) {
    if (s.Spec?.Name?.startsWith(REPO))
      await docker
        .getService(s.ID)
        .remove()
        .catch(() => undefined);
  }
  await agent?.kill("SIGKILL");
  if (agent) await removeNodeContainers(agent.nodeName);
  await agent?.dispose();
  await hub?.dispose();
  if (madeSwarm) {
    await docker.swarmLeave({ force: true });
    console.error("left the swarm this run made");
  }
  for (const image of Object.values(IMAGES))
    await docker
      .getImage(image)
      .remove()
      .catch(() => undefined);
});

async function main(): Promise<void> {
  const info = (await docker.info()) as { Swarm: { LocalNodeState: string } };
  if (info.Swarm.LocalNodeState !== "active") {
    await docker.swarmInit({ ListenAddr: "127.0.0.1:2377", AdvertiseAddr: "127.0.0.1" });
    madeSwarm = true;
    console.error("made a one-node swarm for this run");
  }
  for (const [tag, image] of Object.entries(IMAGES)) {
    await docker.getImage(BASE_IMAGE).tag({ repo: REPO, tag });
    console.error(`tagged ${BASE_IMAGE} as ${image}`);
  }
  hub = await HubProcess.create([], undefined, { compiled: true });
  await hub.start();
  agent = await AgentProcess.create("bench-swarm", hub.agentArgs(), { compiled: true });
  await agent.start();
  const api = new HubClient(hub.api);

  const swarm: Round[] = [];
  const ours: Round[] = [];
  // Alternating, so a slow patch of the shared machine hits both alike.
  for (let i = 0; i < ROUNDS; i++) {
    swarm.push(await swarmRound(i));
    ours.push(await daemonletRound(api, agent.nodeName, i));
    console.error(`round ${i + 1}/${ROUNDS} done`);
  }
  api.close();

  const s = {
    create: summarize(swarm.map((r) => r.createMs)),
    update: summarize(swarm.map((r) => r.updateMs)),
  };
  const d = {
    create: summarize(ours.map((r) => r.createMs)),
    update: summarize(ours.map((r) => r.updateMs)),
  };
  const ratio = (a: number, b: number) => round(a / b, 2);
  const ratios = {
    create: ratio(d.create.p50, s.create.p50),
    update: ratio(d.update.p50, s.update.p50),
  };
  printTable(
    [
      "ms (p50 / max)",
      "rounds",
      "swarm global service",
      "daemonlet DaemonSet",
      "daemonlet / swarm",
    ],
    [
      [
        "create -> running",
        String(ROUNDS),
        `${s.create.p50} / ${s.create.max}`,
        `${d.create.p50} / ${d.create.max}`,
        String(ratios.create),
      ],
      [
        "image update -> new running",
        String(ROUNDS),
        `${s.update.p50} / ${s.update.max}`,
        `${d.update.p50} / ${d.update.max}`,
        String(ratios.update),
      ],
    ],
  );
  console.log(`Same workload (exits on SIGTERM) and ${GRACE_S} s stop grace on both; one node.`);
  console.log(
    JSON.stringify({
      bench: "swarm-compare",
      ...machine(),
      rounds: ROUNDS,
      stopGraceSeconds: GRACE_S,
      madeSwarm,
      swarmMs: s,
      daemonletMs: d,
      daemonletOverSwarmP50: ratios,
    }),
  );
}

try {
  await main();
} finally {
  await cleanup();
}

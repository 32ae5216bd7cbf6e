// Faults around one agent running several hub pods, each checked for "nothing lost, no needless
// restart": the same containers (by ID) before and after, restart counts 0, every pod back to
// Running and Ready at the hub. The agent reaches its engine through a socket proxy and its hub
// through a TCP proxy, both of which the test breaks. Cutting the socket proxy takes the engine's
// API and event stream away while the containers keep running; a real dockerd restart, on a
// private engine, is engine-restart.test.ts.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import Docker from "dockerode";
import type { Node, Pod } from "kubernetes-types/core/v1.js";
import { AgentProcess, type LogLine } from "../support/agent-process.js";
import { HubProcess } from "../support/hub-process.js";
import { daemonSetYaml, yamlDocuments } from "../support/manifests.js";
import { DockerSocketProxy } from "../support/docker-socket-proxy.js";
import { PartitionProxy } from "../support/partition-proxy.js";
import { waitFor } from "../support/wait.js";
import { agentWithContainers, disposeAll } from "../support/cleanup.js";

const docker = new Docker();
const DAEMONSETS = ["alpha", "bravo", "charlie", "delta", "echo"];
/** Short, so the partition outlasts it quickly: heartbeats every second, silence noticed in 3 s. */
const NODE_GRACE_SECONDS = 4;

/** Every container of the node, all states: pod name → container IDs. */
async function containersByPod(node: string): Promise<Map<string, Docker.ContainerInfo[]>> {
  const all = await docker.listContainers({
    all: true,
    filters: { label: [`io.daemonlet.node=${node}`] },
  });
  const byPod = new Map<string, Docker.ContainerInfo[]>();
  for (const c of all) {
    const pod = c.Labels["io.daemonlet.pod-name"] ?? "";
    byPod.set(pod, [...(byPod.get(pod) ?? []), c]);
  }
  return byPod;
}

/** pod name → its one running container ID; undefined unless every pod has exactly one. */
async function runningIds(node: string): Promise<Map<string, string> | undefined> {
  const byPod = await containersByPod(node);
  if (byPod.size !== DAEMONSETS.length) return undefined;
  const ids = new Map<string, string>();
  for (const [pod, containers] of byPod) {
    if (containers.length !== 1 || containers[0]?.State !== "running") return undefined;
    ids.set(pod, containers[0].Id);
  }
  return ids;
}

function logsSince(logs: LogLine[], mark: number, message: string): LogLine[] {
  return logs.slice(mark).filter((l) => l.message === message);
}

describe("faults around an agent with several hub pods", () => {
  let hub: HubProcess;
  let hubLink: PartitionProxy;
  let engine: DockerSocketProxy;
  let agent: AgentProcess;

  const cli = (...args: string[]) => hub.cli(...args);
  const list = async <T>(kind: string): Promise<T[]> =>
    (JSON.parse(await cli("get", kind, "-o", "json")) as { items: T[] }).items;
  const node = async () =>
    (await list<Node>("nodes")).find((n) => n.metadata?.name === agent.nodeName);
  const readyStatus = (n: Node | undefined) =>
    n?.status?.conditions?.find((c) => c.type === "Ready")?.status;

  /** All five pods Running and Ready at the hub, with no restart; their UIDs. */
  const settledAtHub = async (what: string): Promise<string[]> => {
    const pods = await waitFor(async () => list<Pod>("pods"), {
      timeoutMs: 60_000,
      what,
      until: (pods) =>
        pods.length === DAEMONSETS.length &&
        pods.every(
          (p) =>
            p.status?.phase === "Running" &&
            p.status.conditions?.some((c) => c.type === "Ready" && c.status === "True"),
        ),
    });
    for (const p of pods) {
      assert.deepEqual(
        p.status?.containerStatuses?.map((c) => c.restartCount),
        [0],
        `${p.metadata?.name} was never restarted`,
      );
    }
    return pods.map((p) => p.metadata?.uid ?? "").sort();
  };

  /** The containers and pods are exactly those of `before`: nothing lost, nothing restarted. */
  const assertUnchanged = async (before: Map<string, string>, uids: string[], what: string) => {
    assert.deepEqual(await settledAtHub(`pods settled ${what}`), uids, `the same pods ${what}`);
    const now = await waitFor(() => runningIds(agent.nodeName), {
      what: `one running container per pod ${what}`,
    });
    assert.deepEqual(now, before, `the same containers ${what}`);
  };

  before(async () => {
    hub = await HubProcess.create(["--node-grace-seconds", String(NODE_GRACE_SECONDS)]);
    await hub.start();
    hubLink = await PartitionProxy.create(hub.agentPort);
    engine = await DockerSocketProxy.create();
    agent = await AgentProcess.create("faults", [
      "--hub",
      `ws://127.0.0.1:${hubLink.port}`,
      "--token",
      hub.token,
      "--insecure",
      "--docker-socket",
      engine.socketPath,
    ]);
    await agent.start();
    await waitFor(node, { timeoutMs: 30_000, what: "the node to register" });
  });

  after(() =>
    disposeAll([
      agentWithContainers(agent),
      () => hubLink?.dispose(),
      () => engine?.dispose(),
      () => hub?.dispose(),
    ]),
  );

  it("agent SIGKILLed while it creates five pods: each pod ends with one container, none restarted", async (t) => {
    const file = path.join(hub.dataDir, "five.yaml");
    await writeFile(file, yamlDocuments(DAEMONSETS.map((name) => daemonSetYaml(name))));
    await cli("apply", "-f", file);
    // Kill as soon as the first container runs, while the others are still being made.
    const atKill = await waitFor(() => containersByPod(agent.nodeName), {
      timeoutMs: 60_000,
      intervalMs: 10,
      what: "the agent to start its first container",
      until: (m) => [...m.values()].some((cs) => cs.some((c) => c.State === "running")),
    });
    await agent.kill("SIGKILL");
    const seen = await containersByPod(agent.nodeName);
    const runningAtKill = new Map(
      [...seen].flatMap(([pod, cs]) =>
        cs.filter((c) => c.State === "running").map((c) => [pod, c.Id] as const),
      ),
    );
    t.diagnostic(
      `killed with ${atKill.size} of ${DAEMONSETS.length} pods begun, ${runningAtKill.size} running`,
    );

    await agent.start();
    const uids = await settledAtHub("all five pods running after the agent restart");
    const ids = await waitFor(() => runningIds(agent.nodeName), {
      timeoutMs: 30_000,
      what: "exactly one running container per pod",
    });
    for (const [pod, id] of runningAtKill) {
      assert.equal(ids.get(pod), id, `${pod}'s container, running at the kill, was adopted`);
    }
    assert.equal(uids.length, DAEMONSETS.length);
  });

  it("Docker engine API gone and back: pods keep their containers", async () => {
    const uids = await settledAtHub("pods settled before the engine restart");
    const before = await waitFor(() => runningIds(agent.nodeName), { what: "containers" });
    const mark = agent.logs.length;
    await engine.cut();
    await waitFor(
      () =>
        logsSince(
          agent.logs,
          mark,
          "container engine unreachable; pods keep their last known state",
        )[0],
      { timeoutMs: 30_000, what: "the agent to notice the engine is gone" },
    );
    await engine.restore();
    await waitFor(() => logsSince(agent.logs, mark, "container engine reachable again")[0], {
      timeoutMs: 30_000,
      what: "the agent to see the engine again",
    });
    assert.ok(agent.isRunning());
    await assertUnchanged(before, uids, "after the engine restart");
  });

  it("partition longer than the node grace: node Unknown, pods kept, then back without restarts", async () => {
    const uids = await settledAtHub("pods settled before the partition");
    const before = await waitFor(() => runningIds(agent.nodeName), { what: "containers" });
    hubLink.partition();
    const unknown = await waitFor(node, {
      timeoutMs: 30_000,
      what: "the node to become Ready=Unknown",
      until: (n) => readyStatus(n) === "Unknown",
    });
    assert.ok(
      unknown.spec?.taints?.some((t) => t.key === "node.kubernetes.io/unreachable"),
      "the node has the unreachable taint",
    );
    const during = await list<Pod>("pods");
    assert.deepEqual(
      during.map((p) => p.metadata?.uid).sort(),
      uids,
      "the hub keeps the node's pods bound to it",
    );
    assert.ok(
      during.every((p) =>
        p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "False"),
      ),
      "pods of a silent node are not Ready at the hub",
    );
    assert.deepEqual(await runningIds(agent.nodeName), before, "the containers keep running");
    const local = await agent.pods();
    assert.equal(local.filter((p) => p.status?.phase === "Running").length, DAEMONSETS.length);

    hubLink.heal();
    await waitFor(node, {
      timeoutMs: 60_000,
      what: "the node to be Ready again, untainted",
      until: (n) => readyStatus(n) === "True" && !n?.spec?.taints,
    });
    await assertUnchanged(before, uids, "after the partition");
  });

  it("half-open connection: both sides notice the silence by their ping timeouts and recover", async () => {
    const uids = await settledAtHub("pods settled before the stall");
    const before = await waitFor(() => runningIds(agent.nodeName), { what: "containers" });
    const agentMark = agent.logs.length;
    const hubMark = hub.logs.length;
    // The connection stays open but carries nothing, and a new one gets no answer: neither
    // side hears a close, so only their own timeouts can tell.
    hubLink.partition();
    const hubSide = await waitFor(
      () =>
        logsSince(hub.logs, hubMark, "agent silent; dropping the session").find(
          (l) => l["node"] === agent.nodeName,
        ),
      { timeoutMs: 30_000, what: "the hub to drop the silent session" },
    );
    const agentSide = await waitFor(
      () =>
        logsSince(
          agent.logs,
          agentMark,
          "lost the connection to the hub; running the pods it last assigned",
        )[0],
      { timeoutMs: 30_000, what: "the agent to give up on the silent hub" },
    );
    assert.match(String(agentSide["error"]), /silent for 3 heartbeat intervals/);
    assert.ok(Number(hubSide["silentMs"]) > 0);
    hubLink.heal();
    await waitFor(() => logsSince(agent.logs, agentMark, "connected to the hub")[0], {
      timeoutMs: 60_000,
      what: "the agent to reconnect",
    });
    await assertUnchanged(before, uids, "after the half-open connection");
  });
});

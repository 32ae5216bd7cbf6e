// Rollouts end to end: a real hub, four real agents on the shared engine, `daemonlet rollout` as
// an operator runs it, and the pods' readiness sampled through the hub's API throughout.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import Docker from "dockerode";
import type { DaemonSet, DaemonSetUpdateStrategy } from "kubernetes-types/apps/v1.js";
import type { Node, Pod } from "kubernetes-types/core/v1.js";
import { HubClient, isObjectOfKind } from "../../hub/api/index.js";
import { runRolloutStatus } from "../../cli/rollout-commands.js";
import { AgentProcess } from "../support/agent-process.js";
import { HubProcess } from "../support/hub-process.js";
import { daemonlet } from "../support/cli-run.js";
import { daemonSetYaml } from "../support/manifests.js";
import { waitFor } from "../support/wait.js";
import { agentWithContainers, disposeAll } from "../support/cleanup.js";

const docker = new Docker();
const ROLLOUT_TIMEOUT = "120s";
const SAMPLE_EVERY_MS = 50;

const daemonSet = (
  name: string,
  version: number,
  updateStrategy: DaemonSetUpdateStrategy = { rollingUpdate: { maxUnavailable: 1 } },
) =>
  daemonSetYaml(name, {
    grace: 0,
    updateStrategy,
    container: { env: [{ name: "VERSION", value: String(version) }] },
  });

const isReady = (p: Pod) =>
  p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
const version = (p: Pod) => p.spec?.containers[0]?.env?.find((e) => e.name === "VERSION")?.value;

describe("rollouts with a hub and four agents", () => {
  let hub: HubProcess;
  let client: HubClient;
  const agents: AgentProcess[] = [];

  const cli = (...args: string[]) => hub.cli(...args);
  const apply = async (manifest: string) => {
    const file = path.join(hub.dataDir, "ds.yaml");
    await writeFile(file, manifest);
    return cli("apply", "-f", file);
  };
  /** The DaemonSet's live (not terminating) pods, by node. */
  const podsByNode = async (ds: string) => {
    const { items } = await client.list({ kind: "Pod", labelSelector: `app=${ds}` });
    const byNode = new Map<string, Pod[]>();
    for (const pod of items) {
      if (!isObjectOfKind(pod, "Pod") || pod.metadata.deletionTimestamp) continue;
      const node = pod.spec?.nodeName ?? "";
      byNode.set(node, [...(byNode.get(node) ?? []), pod]);
    }
    return byNode;
  };
  /** The live pods' uids with their VERSION, sorted: what a replacement would change. */
  const podUids = async (ds: string) =>
    [...(await podsByNode(ds)).values()]
      .flat()
      .map((p) => `${p.metadata?.uid} v${version(p)}`)
      .sort();
  const getDs = async (name: string) => {
    const ds = await client.get({ kind: "DaemonSet", name });
    assert.ok(isObjectOfKind(ds, "DaemonSet"));
    return ds;
  };
  /** Every node runs exactly one ready pod of `ds`, at `want` when given. */
  const settled = async (ds: string, nodes: readonly AgentProcess[], want?: string) => {
    const byNode = await podsByNode(ds);
    return nodes.every((a) => {
      const pods = byNode.get(a.nodeName) ?? [];
      return (
        pods.length === 1 && isReady(pods[0]!) && (want === undefined || version(pods[0]!) === want)
      );
    });
  };
  const rolledOut = async (ds: string) => {
    const r = await daemonlet([
      "rollout",
      "status",
      `ds/${ds}`,
      "--timeout",
      ROLLOUT_TIMEOUT,
      "--hub",
      hub.api,
    ]);
    assert.equal(r.code, 0, `rollout status failed: ${r.stderr}${r.stdout}`);
    assert.match(r.stdout, new RegExp(`daemon set "${ds}" successfully rolled out\\n$`));
    return r.stdout;
  };

  /**
   * Samples, until stopped, how many nodes have no ready pod of `ds` and the most pods one node
   * runs at once.
   */
  const sample = (ds: string) => {
    let running = true;
    const seen = { maxNotReady: 0, maxOnOneNode: 0, samples: 0 };
    const loop = (async () => {
      while (running) {
        const byNode = await podsByNode(ds);
        const notReady = agents.filter((a) => !(byNode.get(a.nodeName) ?? []).some(isReady)).length;
        seen.maxNotReady = Math.max(seen.maxNotReady, notReady);
        for (const pods of byNode.values()) {
          seen.maxOnOneNode = Math.max(seen.maxOnOneNode, pods.length);
        }
        seen.samples++;
        await delay(SAMPLE_EVERY_MS);
      }
    })();
    return async () => {
      running = false;
      await loop;
      return seen;
    };
  };

  before(async () => {
    // Long enough that a busy machine's late heartbeat does not mark a node (and its pods) not
    // ready in the middle of the readiness sampling; short enough for the offline-node case.
    hub = await HubProcess.create(["--node-grace-seconds", "10"]);
    await hub.start();
    client = new HubClient(hub.api);
    for (const name of ["r1", "r2", "r3", "r4"]) {
      const agent = await AgentProcess.create(`rollout-${name}`, hub.agentArgs());
      agents.push(agent);
      await agent.start();
    }
    await waitFor(async () => (await client.list({ kind: "Node" })).items.length === 4, {
      timeoutMs: 30_000,
      what: "four nodes registered",
    });
  });

  after(() =>
    disposeAll([
      () => client?.close(),
      agents.flatMap((a) => agentWithContainers(a)),
      () => hub?.dispose(),
    ]),
  );

  it("maxUnavailable 1: paused, then followed live; never more than one node without a ready pod", async (t) => {
    await apply(daemonSet("roll", 1));
    await rolledOut("roll");
    await waitFor(() => settled("roll", agents, "1"), { timeoutMs: 60_000, what: "v1 everywhere" });

    const v1Pods = await podUids("roll");
    // Paused: the template change is observed but replaces nothing, and status times out.
    assert.equal(await cli("rollout", "pause", "ds/roll"), "daemonset.apps/roll paused\n");
    await apply(daemonSet("roll", 2));
    await waitFor(() => getDs("roll"), {
      what: "the paused change observed",
      until: (d) => d.status?.observedGeneration === d.metadata.generation,
    });
    const waiting = await daemonlet([
      "rollout",
      "status",
      "ds/roll",
      "--timeout",
      "2s",
      "--hub",
      hub.api,
    ]);
    assert.equal(waiting.code, 1);
    assert.match(waiting.stdout, /0 out of 4 new pods have been updated\.\.\. \(paused/);
    assert.match(waiting.stderr, /timed out waiting for the condition/);
    // The same pods, all on v1 (readiness is not asked: a loaded machine may miss a heartbeat).
    assert.deepEqual(await podUids("roll"), v1Pods, "a paused rollout replaced a pod");

    // Follow the rollout from before the resume to its end, as `rollout status` does.
    const lines: string[] = [];
    const following = runRolloutStatus(
      client,
      { resource: "ds/roll" },
      { watch: true, timeoutMs: 120_000 },
      (text) => lines.push(text),
    );
    await waitFor(() => lines.length > 0, { what: "the paused state printed" });
    const stop = sample("roll");
    const started = Date.now();
    assert.equal(await cli("rollout", "resume", "ds/roll"), "daemonset.apps/roll resumed\n");
    assert.equal((await following).exitCode, 0);
    await waitFor(() => settled("roll", agents, "2"), { timeoutMs: 60_000, what: "v2 everywhere" });
    t.diagnostic(`rollout over ${agents.length} nodes took ${Date.now() - started} ms`);
    const seen = await stop();
    assert.ok(seen.maxNotReady <= 1, `${seen.maxNotReady} nodes without a ready pod at once`);
    assert.equal(seen.maxOnOneNode, 1);
    assert.match(lines[0] ?? "", /0 out of 4 new pods have been updated\.\.\. \(paused/);
    assert.ok(
      lines.some((l) => /rollout to finish: [1-3] out of 4 new pods/.test(l)),
      lines.join(""),
    );
    assert.equal(lines.at(-1), 'daemon set "roll" successfully rolled out\n');

    const history = await cli("rollout", "history", "ds/roll");
    assert.match(history, /^REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>\n/m);
    const second = await cli("rollout", "history", "ds/roll", "--revision", "2");
    assert.match(second, /with revision #2\nPod Template:/);
    assert.match(second, /Changes from revision 1:\n[\s\S]*^- +value: "1"$\n^\+ +value: "2"$/m);

    const described = await cli("describe", "ds", "roll");
    assert.match(
      described,
      /^Update Strategy:\s+RollingUpdate \(max unavailable 1, max surge 0\)$/m,
    );
    assert.match(described, /^Revision:\s+2$/m);
    assert.match(described, /^Rollout:\s+complete$/m);
    for (const a of agents) {
      assert.match(
        described,
        new RegExp(
          `Deleted pod: roll-\\w+ on node ${a.nodeName} \\(rolling update from revision 1 to revision 2`,
        ),
      );
    }
  });

  it("undo restores the previous template on every node", async () => {
    assert.equal(
      await cli("rollout", "undo", "ds/roll", "--to-revision", "1"),
      "daemonset.apps/roll rolled back\n",
    );
    await rolledOut("roll");
    await waitFor(() => settled("roll", agents, "1"), { timeoutMs: 60_000, what: "v1 everywhere" });
    // What runs, not only what is stored: one container per node, started from the old template.
    const containers = await docker.listContainers({
      filters: { label: ["io.daemonlet.container=app"] },
    });
    for (const a of agents) {
      const mine = containers.filter(
        (c) =>
          c.Labels["io.daemonlet.node"] === a.nodeName &&
          c.Labels["io.daemonlet.pod-name"]?.startsWith("roll-"),
      );
      assert.equal(mine.length, 1, `containers of roll on ${a.nodeName}`);
      const inspected = await docker.getContainer(mine[0]!.Id).inspect();
      assert.ok(
        inspected.Config.Env.includes("VERSION=1"),
        `${a.nodeName}: ${inspected.Config.Env}`,
      );
    }
    // Revision 1's template came back as the newest revision.
    assert.match(
      await cli("rollout", "history", "ds/roll"),
      /^REVISION\s+CHANGE-CAUSE\n2\s+<none>\n3\s+<none>\n\n/m,
    );
    await cli("delete", "ds", "roll");
  });

  it("maxSurge 1, driven by rollout restart: new pods start beside the old, every node stays ready", async (t) => {
    const surge = { rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } };
    await apply(daemonSet("surge", 1, surge));
    await rolledOut("surge");
    await waitFor(() => settled("surge", agents), { timeoutMs: 60_000, what: "surge everywhere" });
    const before = new Set(
      [...(await podsByNode("surge")).values()].flat().map((p) => p.metadata?.uid),
    );

    const stop = sample("surge");
    const started = Date.now();
    assert.equal(await cli("rollout", "restart", "ds/surge"), "daemonset.apps/surge restarted\n");
    await rolledOut("surge");
    await waitFor(() => settled("surge", agents), { timeoutMs: 60_000, what: "one pod per node" });
    t.diagnostic(`rollout over ${agents.length} nodes took ${Date.now() - started} ms`);
    const seen = await stop();
    assert.equal(seen.maxNotReady, 0, `sampled ${seen.samples} times`);
    assert.equal(seen.maxOnOneNode, 2, "no node ran the new pod beside the old one");
    for (const [node, pods] of await podsByNode("surge")) {
      assert.ok(!before.has(pods[0]?.metadata?.uid), `${node} kept its pod through the restart`);
      assert.ok(pods[0]?.metadata?.annotations?.["kubectl.kubernetes.io/restartedAt"]);
    }
    await cli("delete", "ds", "surge");
  });

  it("OnDelete: a pod gets the new template only when it is deleted", async () => {
    await apply(daemonSet("ondel", 1, { type: "OnDelete" }));
    await waitFor(() => settled("ondel", agents, "1"), {
      timeoutMs: 60_000,
      what: "v1 everywhere",
    });
    await apply(daemonSet("ondel", 2, { type: "OnDelete" }));
    const ds = await waitFor(() => getDs("ondel"), {
      what: "the change observed",
      until: (d) => d.status?.observedGeneration === d.metadata.generation,
    });
    assert.equal(ds.status?.updatedNumberScheduled, 0);
    assert.ok(await settled("ondel", agents, "1"), "OnDelete replaced a pod by itself");

    const first = agents[0]!.nodeName;
    const old = (await podsByNode("ondel")).get(first)![0]!;
    await cli("delete", "pod", old.metadata?.name ?? "");
    await waitFor(() => podsByNode("ondel"), {
      timeoutMs: 60_000,
      what: `a v2 pod on ${first}`,
      until: (m) => (m.get(first) ?? []).some((p) => version(p) === "2" && isReady(p)),
    });
    const byNode = await podsByNode("ondel");
    for (const a of agents.slice(1)) {
      assert.deepEqual(byNode.get(a.nodeName)?.map(version), ["1"], a.nodeName);
    }
    await cli("delete", "ds", "ondel");
  });

  it("a node offline during the rollout is passed over, and updated when it reconnects", async () => {
    await apply(daemonSet("offline", 1));
    await rolledOut("offline");
    const away = agents[3]!;
    const others = agents.slice(0, 3);
    await away.kill("SIGTERM");
    await waitFor(() => client.get({ kind: "Node", name: away.nodeName }) as Promise<Node>, {
      timeoutMs: 30_000,
      what: `${away.nodeName} unreachable`,
      until: (n) =>
        n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "Unknown") ?? false,
    });

    await apply(daemonSet("offline", 2));
    await waitFor(() => settled("offline", others, "2"), {
      timeoutMs: 90_000,
      what: "v2 on the reachable nodes",
    });
    const stalled = await getDs("offline");
    assert.equal(stalled.status?.updatedNumberScheduled, 3);
    assert.deepEqual((await podsByNode("offline")).get(away.nodeName)?.map(version), ["1"]);

    await away.start();
    await rolledOut("offline");
    await waitFor(() => settled("offline", agents, "2"), {
      timeoutMs: 60_000,
      what: "v2 everywhere",
    });
    const done: DaemonSet = await getDs("offline");
    assert.equal(done.status?.updatedNumberScheduled, 4);
    await cli("delete", "ds", "offline");
  });
});

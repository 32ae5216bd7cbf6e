import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import Docker from "dockerode";
import WebSocket from "ws";
import type { DaemonSet } from "kubernetes-types/apps/v1.js";
import type { Node, Pod } from "kubernetes-types/core/v1.js";
import { CREDENTIAL_FILE } from "../../agent/hub-client/credentials.js";
import { AgentProcess } from "../support/agent-process.js";
import { HubProcess } from "../support/hub-process.js";
import { daemonSetYaml, TEST_IMAGE } from "../support/manifests.js";
import { waitFor } from "../support/wait.js";
import { agentWithContainers, disposeAll } from "../support/cleanup.js";

const docker = new Docker();

const daemonSet = (name: string, nodeSelector?: Record<string, string>) =>
  daemonSetYaml(name, { ...(nodeSelector ? { nodeSelector } : {}) });

describe("hub with three agents on one engine", () => {
  let hub: HubProcess;
  const agents: AgentProcess[] = [];
  let dir: string;

  const cli = (...args: string[]) => hub.cli(...args);
  const list = async <T>(kind: string): Promise<T[]> =>
    (JSON.parse(await cli("get", kind, "-A", "-o", "json")) as { items: T[] }).items;
  /** Running containers of a DaemonSet, by node. */
  const running = async (ds: string) => {
    const all = await docker.listContainers({ filters: { label: ["io.daemonlet.container=app"] } });
    const byNode = new Map<string, string[]>();
    for (const c of all) {
      if (!c.Labels["io.daemonlet.pod-name"]?.startsWith(`${ds}-`)) continue;
      const node = c.Labels["io.daemonlet.node"] ?? "";
      if (!agents.some((a) => a.nodeName === node)) continue;
      byNode.set(node, [...(byNode.get(node) ?? []), c.Id]);
    }
    return byNode;
  };
  const onEveryNode = (byNode: Map<string, string[]>, nodes: AgentProcess[]) =>
    byNode.size === nodes.length && nodes.every((a) => byNode.get(a.nodeName)?.length === 1);

  before(async () => {
    hub = await HubProcess.create(["--node-grace-seconds", "4"]);
    await hub.start();
    dir = hub.dataDir;
    for (const name of ["n1", "n2", "n3"]) {
      const agent = await AgentProcess.create(`hub-${name}`, hub.agentArgs());
      agents.push(agent);
      await agent.start();
    }
    await waitFor(async () => (await list<Node>("nodes")).length === 3, {
      timeoutMs: 30_000,
      what: "three nodes registered",
    });
  });

  after(() => disposeAll([agents.flatMap((a) => agentWithContainers(a)), () => hub?.dispose()]));

  it("applies a DaemonSet: one running container per node, and kubectl-like output", async () => {
    await writeFile(path.join(dir, "tailer.yaml"), daemonSet("tailer"));
    assert.match(
      await cli("apply", "-f", path.join(dir, "tailer.yaml")),
      /^daemonset\.apps\/tailer created$/m,
    );
    assert.match(
      await cli("apply", "-f", path.join(dir, "tailer.yaml")),
      /^daemonset\.apps\/tailer unchanged$/m,
    );
    await waitFor(() => running("tailer"), {
      timeoutMs: 30_000,
      what: "a tailer container on every node",
      until: (m) => onEveryNode(m, agents),
    });
    const ds = await waitFor(
      async () => (await list<DaemonSet>("ds")).find((d) => d.metadata?.name === "tailer"),
      {
        timeoutMs: 30_000,
        what: "DaemonSet status to count three ready pods",
        until: (d) => d.status?.numberReady === 3,
      },
    );
    assert.equal(ds.status?.desiredNumberScheduled, 3);
    assert.equal(ds.status?.numberAvailable, 3);
    const table = await cli("get", "ds");
    assert.match(
      table,
      /^NAME\s+DESIRED\s+CURRENT\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+NODE SELECTOR\s+AGE$/m,
    );
    assert.match(table, /^tailer\s+3\s+3\s+3\s+3\s+3\s+<none>\s+\S+$/m);
    const pods = (await list<Pod>("pods")).filter((p) => p.metadata?.name?.startsWith("tailer-"));
    assert.equal(pods.length, 3);
    for (const p of pods) assert.match(p.metadata?.name ?? "", /^tailer-[a-z0-9]{5}$/);
  });

  it("concurrent applies of one DaemonSet create it once and never two pods on a node", async () => {
    await writeFile(path.join(dir, "racer.yaml"), daemonSet("racer"));
    const outputs = await Promise.all(
      [1, 2, 3, 4].map(() => cli("apply", "-f", path.join(dir, "racer.yaml"))),
    );
    assert.equal(outputs.filter((o) => /racer created/.test(o)).length, 1, outputs.join(""));
    const onePerNode = (pods: Pod[]) => {
      const nodes = pods
        .filter((p) => p.metadata?.name?.startsWith("racer-"))
        .map((p) => p.spec?.nodeName);
      return new Set(nodes).size === nodes.length ? nodes.length : -1;
    };
    const count = await waitFor(async () => onePerNode(await list<Pod>("pods")), {
      timeoutMs: 30_000,
      what: "one racer pod on each node",
      until: (n) => n === agents.length || n === -1,
    });
    assert.equal(count, agents.length, "a node got two pods");
    await waitFor(() => running("racer"), {
      timeoutMs: 30_000,
      what: "one racer container per node",
      until: (m) => onEveryNode(m, agents),
    });
    await cli("delete", "ds", "racer");
    await waitFor(() => running("racer"), {
      timeoutMs: 30_000,
      what: "racer gone",
      until: (m) => m.size === 0,
    });
  });

  it("a node that stops matching loses its pod; one that starts matching gets one", async () => {
    await cli("label", "node", agents[0]!.nodeName, "tier=edge");
    await cli("label", "node", agents[1]!.nodeName, "tier=edge");
    await writeFile(path.join(dir, "edge.yaml"), daemonSet("edge", { tier: "edge" }));
    await cli("apply", "-f", path.join(dir, "edge.yaml"));
    await waitFor(() => running("edge"), {
      timeoutMs: 30_000,
      what: "edge on n1 and n2",
      until: (m) => onEveryNode(m, agents.slice(0, 2)),
    });
    await cli("label", "node", agents[1]!.nodeName, "tier-");
    await waitFor(() => running("edge"), {
      timeoutMs: 30_000,
      what: "edge only on n1",
      until: (m) => onEveryNode(m, agents.slice(0, 1)),
    });
    const explained = JSON.parse(
      await cli("explain", "-f", path.join(dir, "edge.yaml"), "-o", "json"),
    ) as {
      node: string;
      shouldRun: boolean;
      reasons: string[];
    }[];
    const n2 = explained.find((e) => e.node === agents[1]!.nodeName);
    assert.equal(n2?.shouldRun, false);
    assert.match(n2?.reasons.join(" ") ?? "", /tier/);
  });

  it("a node that joins later gets a pod; a static pod shows as a mirror pod", async () => {
    const late = await AgentProcess.create("hub-n4", hub.agentArgs());
    agents.push(late);
    await writeFile(
      path.join(late.manifests, "static.yaml"),
      `apiVersion: v1\nkind: Pod\nmetadata: {name: local}\nspec:\n  terminationGracePeriodSeconds: 1\n  containers:\n  - {name: app, image: ${TEST_IMAGE}, command: [sleep, "3600"]}\n`,
    );
    await late.start();
    await waitFor(() => running("tailer"), {
      timeoutMs: 30_000,
      what: "tailer on four nodes",
      until: (m) => onEveryNode(m, agents),
    });
    const mirror = await waitFor(
      async () =>
        (await list<Pod>("pods")).find((p) => p.metadata?.name === `local-${late.nodeName}`),
      { timeoutMs: 30_000, what: "the mirror pod", until: (p) => p.status?.phase === "Running" },
    );
    assert.ok(mirror.metadata?.annotations?.["kubernetes.io/config.mirror"]);
    assert.equal(mirror.spec?.nodeName, late.nodeName);
  });

  it("survives a hub SIGKILL: everything is still there and no container restarts", async () => {
    const before = await running("tailer");
    const podsBefore = (await list<Pod>("pods")).map((p) => p.metadata?.uid).sort();
    await hub.kill("SIGKILL");
    await hub.start();
    const dsAfter = await waitFor(
      async () => (await list<DaemonSet>("ds")).map((d) => d.metadata?.name).sort(),
      {
        timeoutMs: 30_000,
        what: "the restarted hub to answer",
      },
    );
    assert.deepEqual(dsAfter, ["edge", "tailer"]);
    await waitFor(async () => (await list<Node>("nodes")).length, {
      timeoutMs: 30_000,
      what: "nodes",
      until: (n) => n === 4,
    });
    // Let the agents reconnect and the controller resync, then nothing may have moved.
    await waitFor(
      async () =>
        (await list<Node>("nodes")).every((n) =>
          n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"),
        ),
      { timeoutMs: 30_000, what: "all nodes Ready after the hub restart" },
    );
    assert.deepEqual((await list<Pod>("pods")).map((p) => p.metadata?.uid).sort(), podsBefore);
    assert.deepEqual(await running("tailer"), before);
  });

  it("a silent agent's node goes Unknown and tainted, its pod keeps running, and it converges on return", async () => {
    const agent = agents[2]!;
    const before = await running("tailer");
    process.kill(agent.pid!, "SIGSTOP");
    try {
      const node = await waitFor(
        async () => (await list<Node>("nodes")).find((n) => n.metadata?.name === agent.nodeName),
        {
          timeoutMs: 30_000,
          what: "the silent node to become Unknown",
          until: (n) =>
            n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "Unknown") ??
            false,
        },
      );
      assert.ok(
        node.spec?.taints?.some(
          (t) => t.key === "node.kubernetes.io/unreachable" && t.effect === "NoExecute",
        ),
      );
      assert.deepEqual((await running("tailer")).get(agent.nodeName), before.get(agent.nodeName));
    } finally {
      process.kill(agent.pid!, "SIGCONT");
    }
    await waitFor(
      async () => (await list<Node>("nodes")).find((n) => n.metadata?.name === agent.nodeName),
      {
        timeoutMs: 60_000,
        what: "the node to be Ready again",
        until: (n) =>
          (n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false) &&
          !n.spec?.taints,
      },
    );
    assert.deepEqual(await running("tailer"), before);
  });

  it("refuses a bad token before any pod data, and survives malformed and oversized frames", async () => {
    const intruder = await AgentProcess.create("hub-bad", [
      "--hub",
      hub.url,
      "--token",
      "wrong-token-0123456789",
      "--insecure",
    ]);
    agents.push(intruder);
    await intruder.start();
    await waitFor(
      () => intruder.logs.find((l) => /401|Unauthenticated|refused/i.test(JSON.stringify(l))),
      {
        timeoutMs: 30_000,
        what: "the agent to log the refusal",
      },
    );
    assert.ok(!(await list<Node>("nodes")).some((n) => n.metadata?.name === intruder.nodeName));

    // A joined node's credential, so that the frames get past authentication.
    const credential = (
      await readFile(path.join(agents[0]!.stateDir, CREDENTIAL_FILE), "utf8")
    ).trim();
    for (const payload of [
      Buffer.from("definitely not protobuf"),
      Buffer.alloc(5 * 1024 * 1024, 1),
    ]) {
      const ws = new WebSocket(`${hub.url}/agent`, {
        headers: { authorization: `Bearer ${credential}` },
      });
      const closed = new Promise<void>((resolve) => ws.on("close", () => resolve()));
      ws.on("error", () => undefined);
      await new Promise<void>((resolve) => ws.on("open", () => resolve()));
      ws.send(payload);
      await closed;
    }
    const health = await fetch(`http://127.0.0.1:${hub.agentPort}/healthz`);
    assert.equal(health.status, 200);
    assert.equal((await list<Node>("nodes")).length, 4);
  });

  it("deleting the DaemonSet removes every pod", async () => {
    await cli("delete", "ds", "tailer");
    await cli("delete", "ds", "edge");
    await waitFor(async () => (await running("tailer")).size + (await running("edge")).size, {
      timeoutMs: 30_000,
      what: "all DaemonSet containers gone",
      until: (n) => n === 0,
    });
    const left = (await list<Pod>("pods")).filter(
      (p) => !p.metadata?.annotations?.["kubernetes.io/config.mirror"],
    );
    assert.deepEqual(
      left.map((p) => p.metadata?.name),
      [],
    );
  });
});

// The hub SIGKILLed in the middle of a rolling update. The rollout is held in a known middle
// state, not caught in a window: the new template has a readiness probe that passes only once the
// test creates /tmp/ready in the container, so with maxUnavailable 1 the first node's new pod
// stays unready and the rollout waits there. Then the hub dies, the pod becomes ready while it is
// down, and the hub comes back on the same store. Checked: nothing ran less while the hub was
// gone, nothing was restarted needlessly (the pod updated before the kill keeps its container),
// and the rollout completes with one pod per node.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import Docker from "dockerode";
import type { Pod } from "kubernetes-types/core/v1.js";
import { HubClient, isObjectOfKind } from "../../hub/api/index.js";
import { AgentProcess } from "../support/agent-process.js";
import { HubProcess } from "../support/hub-process.js";
import { execIn } from "../support/docker-exec.js";
import { daemonSetYaml } from "../support/manifests.js";
import { waitFor } from "../support/wait.js";
import { agentWithContainers, disposeAll } from "../support/cleanup.js";

const docker = new Docker();
const NAME = "gated";

const daemonSet = (version: number, gated: boolean) =>
  daemonSetYaml(NAME, {
    grace: 0,
    updateStrategy: { rollingUpdate: { maxUnavailable: 1 } },
    container: {
      env: [{ name: "VERSION", value: String(version) }],
      ...(gated
        ? { readinessProbe: { exec: { command: ["test", "-f", "/tmp/ready"] }, periodSeconds: 1 } }
        : {}),
    },
  });

const versionOf = (p: Pod) => p.spec?.containers[0]?.env?.find((e) => e.name === "VERSION")?.value;
const isReady = (p: Pod) =>
  p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;

/** The node's running containers of the DaemonSet's pods: container ID → its VERSION. */
async function running(node: string): Promise<Map<string, string>> {
  const found = await docker.listContainers({
    filters: { label: [`io.daemonlet.node=${node}`], status: ["running"] },
  });
  const byId = new Map<string, string>();
  for (const c of found) {
    const info = await docker.getContainer(c.Id).inspect();
    const env = info.Config.Env.find((e) => e.startsWith("VERSION="));
    byId.set(c.Id, env?.slice("VERSION=".length) ?? "");
  }
  return byId;
}

describe("hub SIGKILL in the middle of a rollout", () => {
  let hub: HubProcess;
  let client: HubClient;
  const agents: AgentProcess[] = [];

  const apply = async (manifest: string) => {
    const file = path.join(hub.dataDir, "ds.yaml");
    await writeFile(file, manifest);
    await hub.cli("apply", "-f", file);
  };
  const livePods = async () => {
    const { items } = await client.list({ kind: "Pod", labelSelector: `app=${NAME}` });
    return items.flatMap((p) =>
      isObjectOfKind(p, "Pod") && !p.metadata.deletionTimestamp ? [p] : [],
    );
  };
  /** Opens the gate in every running v2 container that lacks it; how many it opened. */
  const openGates = async () => {
    let opened = 0;
    for (const a of agents) {
      for (const [id, version] of await running(a.nodeName)) {
        if (version !== "2") continue;
        if ((await execIn(docker, id, ["test", "-f", "/tmp/ready"])).exitCode === 0) continue;
        await execIn(docker, id, ["touch", "/tmp/ready"]);
        opened++;
      }
    }
    return opened;
  };

  before(async () => {
    hub = await HubProcess.create(["--node-grace-seconds", "4"]);
    await hub.start();
    client = new HubClient(hub.api);
    for (const name of ["k1", "k2", "k3"]) {
      const agent = await AgentProcess.create(`hubkill-${name}`, hub.agentArgs());
      agents.push(agent);
      await agent.start();
    }
  });

  after(() =>
    disposeAll([
      () => client?.close(),
      agents.flatMap((a) => agentWithContainers(a)),
      () => hub?.dispose(),
    ]),
  );

  it("keeps every pod running while the hub is down, restarts nothing, and finishes the rollout", async () => {
    await apply(daemonSet(1, false));
    await waitFor(livePods, {
      timeoutMs: 60_000,
      what: "v1 ready on every node",
      until: (pods) => pods.length === 3 && pods.every((p) => versionOf(p) === "1" && isReady(p)),
    });

    await apply(daemonSet(2, true));
    // maxUnavailable 1 and an unready new pod: the rollout stops after its first node.
    const middle = await waitFor(livePods, {
      timeoutMs: 60_000,
      what: "one node on v2 (unready), two still on v1",
      until: (pods) =>
        pods.length === 3 &&
        pods.filter((p) => versionOf(p) === "2").length === 1 &&
        pods.filter((p) => versionOf(p) === "1" && isReady(p)).length === 2,
    });
    const updated = middle.find((p) => versionOf(p) === "2")!;
    const updatedNode = updated.spec?.nodeName ?? "";
    const updatedContainer = await waitFor(
      async () => [...(await running(updatedNode))].find(([, v]) => v === "2")?.[0],
      { timeoutMs: 30_000, what: "the v2 container running" },
    );
    const before = new Map(
      await Promise.all(agents.map(async (a) => [a.nodeName, await running(a.nodeName)] as const)),
    );

    await hub.kill("SIGKILL");
    // While the hub is down the new pod becomes ready, and every container keeps running.
    assert.equal(await openGates(), 1);
    for (const a of agents) {
      assert.deepEqual(
        await running(a.nodeName),
        before.get(a.nodeName),
        `${a.nodeName} while the hub is down`,
      );
    }

    await hub.start();
    const done = await waitFor(
      async () => {
        await openGates();
        return livePods();
      },
      {
        timeoutMs: 120_000,
        what: "v2 ready on every node after the hub came back",
        until: (pods) => pods.length === 3 && pods.every((p) => versionOf(p) === "2" && isReady(p)),
      },
    );
    assert.deepEqual(
      done.map((p) => p.spec?.nodeName).sort(),
      agents.map((a) => a.nodeName).sort(),
      "one pod per node",
    );
    assert.equal(
      done.find((p) => p.spec?.nodeName === updatedNode)?.metadata.uid,
      updated.metadata?.uid,
      "the pod updated before the kill is the same pod",
    );
    for (const a of agents) {
      const now = await waitFor(() => running(a.nodeName), {
        timeoutMs: 30_000,
        what: `${a.nodeName}: one running container, v2`,
        until: (m) => m.size === 1 && [...m.values()][0] === "2",
      });
      if (a.nodeName === updatedNode) {
        assert.deepEqual([...now.keys()], [updatedContainer], "no needless restart");
      }
    }
  });
});

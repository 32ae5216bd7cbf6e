import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import Docker from "dockerode";
import type { Pod } from "kubernetes-types/core/v1.js";
import { AgentProcess } from "../support/agent-process.js";
import { HubProcess } from "../support/hub-process.js";
import { removeNodeContainers } from "../support/docker-cleanup.js";
import { daemonSetYaml } from "../support/manifests.js";
import { waitFor } from "../support/wait.js";

const docker = new Docker();

const MANIFEST = daemonSetYaml("keeper");

describe("an agent whose hub is away keeps its hub pods", () => {
  let hub: HubProcess;
  let agent: AgentProcess;

  const runningIds = async () =>
    (await docker.listContainers({ filters: { label: [`io.daemonlet.node=${agent.nodeName}`] } }))
      .map((c) => c.Id)
      .sort();
  const keeperRunning = async (): Promise<Pod | undefined> =>
    (await agent.pods()).find(
      (p) => p.metadata?.name?.startsWith("keeper-") && p.status?.phase === "Running",
    );

  before(async () => {
    hub = await HubProcess.create();
    await hub.start();
    agent = await AgentProcess.create("hubdown", hub.agentArgs());
    await agent.start();
  });

  after(async () => {
    await agent?.dispose();
    await hub?.dispose();
    if (agent) await removeNodeContainers(agent.nodeName);
  });

  it("restarts without a hub, even with its saved pod set damaged, and touches no container", async () => {
    await writeFile(path.join(hub.dataDir, "keeper.yaml"), MANIFEST);
    await hub.cli("apply", "-f", path.join(hub.dataDir, "keeper.yaml"));
    await waitFor(keeperRunning, { timeoutMs: 30_000, what: "the DaemonSet pod running" });
    const ids = await runningIds();
    assert.equal(ids.length, 1);

    await hub.kill("SIGKILL");
    await agent.kill("SIGKILL");
    await agent.start();
    await waitFor(keeperRunning, { timeoutMs: 30_000, what: "the pod known from the saved set" });
    assert.deepEqual(await runningIds(), ids);

    await agent.kill("SIGKILL");
    await writeFile(path.join(agent.stateDir, "assigned-pods.json"), "{ this is not json");
    const mark = agent.logs.length;
    await agent.start();
    // Several relists and resyncs pass; nothing may be stopped meanwhile.
    await waitFor(() => agent.logs.slice(mark).filter((l) => l.message === "agent running"), {
      what: "the agent up",
    });
    assert.ok(
      agent.logs.slice(mark).some((l) => /cannot load the pods last assigned/.test(l.message)),
    );
    await waitFor(async () => (await agent.pods()).length, {
      timeoutMs: 30_000,
      what: "the agent to report its containers",
      until: (n) => n > 0,
    });
    assert.deepEqual(await runningIds(), ids);
    assert.deepEqual(
      agent.logs.slice(mark).filter((l) => /(stopping|removing) container/.test(l.message)),
      [],
    );

    await hub.start();
    await waitFor(keeperRunning, {
      timeoutMs: 60_000,
      what: "the hub's snapshot to claim the pod again",
    });
    assert.deepEqual(await runningIds(), ids, "the same container throughout");
    assert.deepEqual(
      agent.logs
        .slice(mark)
        .filter((l) => /(stopping|removing|starting) container/.test(l.message)),
      [],
    );
  });
});

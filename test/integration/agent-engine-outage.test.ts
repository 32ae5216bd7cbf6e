// If the Docker engine goes away, the agent reconnects and reconciles without crashing. The
// engine here is shared with other tests, so it is never stopped: the agent talks to it through
// a proxy socket the test cuts and restores, while the test itself uses the real socket.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import Docker from "dockerode";
import type { Pod } from "kubernetes-types/core/v1.js";
import { AgentProcess, type LogLine } from "../support/agent-process.js";
import { removeNodeContainers } from "../support/docker-cleanup.js";
import { DockerSocketProxy } from "../support/docker-socket-proxy.js";
import { waitFor } from "../support/wait.js";
import { agentWithContainers, disposeAll } from "../support/cleanup.js";

const docker = new Docker();
const IMAGE = "busybox:1.36";
const UNREACHABLE = "container engine unreachable; pods keep their last known state";
const REACHABLE_AGAIN = "container engine reachable again";

const SLEEPER = `apiVersion: v1
kind: Pod
metadata:
  name: sleeper
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - {name: app, image: ${IMAGE}, command: ["sleep", "3600"]}
`;

function appStatus(pod: Pod | undefined) {
  return pod?.status?.containerStatuses?.find((c) => c.name === "app");
}

function containerId(pod: Pod | undefined): string {
  const id = appStatus(pod)?.containerID?.replace("docker://", "");
  assert.ok(id, `the pod reports a container ID (${JSON.stringify(pod?.status)})`);
  return id;
}

function logsSince(agent: AgentProcess, mark: number, message: string | RegExp): LogLine[] {
  return agent.logs
    .slice(mark)
    .filter((l) => (typeof message === "string" ? l.message === message : message.test(l.message)));
}

/** Disposes of everything a test made, each step attempted even when an earlier one fails. */
function cleanUp(agent: AgentProcess | undefined, proxy: DockerSocketProxy | undefined) {
  return disposeAll([agentWithContainers(agent), () => proxy?.dispose()]);
}

describe("agent when the Docker engine goes away", () => {
  let proxy: DockerSocketProxy | undefined;
  let agent: AgentProcess | undefined;

  before(async () => {
    proxy = await DockerSocketProxy.create();
    agent = await AgentProcess.create("outage", ["--docker-socket", proxy.socketPath]);
  });

  after(() => cleanUp(agent, proxy));

  it("keeps running and answering, then reconciles what happened meanwhile", async () => {
    assert.ok(agent && proxy);
    const a = agent;
    await writeFile(path.join(a.manifests, "sleeper.yaml"), SLEEPER);
    await a.start();
    const first = await waitFor(async () => a.pod("sleeper"), {
      timeoutMs: 30_000,
      what: "pod sleeper to be running",
      until: (p) => appStatus(p)?.state?.running !== undefined,
    });
    assert.ok(proxy.accepted > 0, "the agent talks to the engine through the proxy");
    const id = containerId(first);
    assert.equal(appStatus(first)?.restartCount, 0);

    // The engine goes away: every request and the event stream fail.
    const mark = a.logs.length;
    await proxy.cut();
    const down = await waitFor(() => logsSince(a, mark, UNREACHABLE)[0], {
      timeoutMs: 30_000,
      what: `the agent to log "${UNREACHABLE}"`,
    });
    assert.equal(down.level, "error");
    assert.match(String(down.error), /unavailable|ENOENT|ECONNREFUSED|ECONNRESET/);
    assert.ok(a.isRunning(), "the agent survived losing its engine");
    const seen = await docker.getContainer(id).inspect();
    assert.equal(seen.State.Running, true, "the pod's container keeps running meanwhile");
    const whileDown = await a.pod("sleeper");
    assert.equal(containerId(whileDown), id, "the local API answers with the last known state");
    assert.ok(appStatus(whileDown)?.state?.running);

    // Meanwhile the container dies, and the agent cannot see it.
    await docker.getContainer(id).kill({ signal: "SIGKILL" });
    await waitFor(async () => (await docker.getContainer(id).inspect()).State, {
      what: "the killed container to have exited",
      until: (s) => s.Status === "exited",
    });
    // The agent keeps trying its engine (its event stream and its pod workers retry, and say
    // so) and stays up, answering with what it knew last.
    const killedMark = a.logs.length;
    await waitFor(
      () => logsSince(a, killedMark, /^(container engine event stream lost|cannot list)/)[0],
      {
        timeoutMs: 30_000,
        what: "the agent to retry its engine after the container was killed",
      },
    );
    assert.ok(a.isRunning(), "the agent survived its retries against a missing engine");
    const stale = await a.pod("sleeper");
    assert.equal(containerId(stale), id);
    assert.ok(appStatus(stale)?.state?.running, "still the last known state while cut");
    assert.equal(appStatus(stale)?.restartCount, 0);
    assert.deepEqual(logsSince(a, mark, REACHABLE_AGAIN), []);

    // The engine comes back: the agent notices, relists and restarts the dead container.
    await proxy.restore();
    await waitFor(() => logsSince(a, mark, REACHABLE_AGAIN)[0], {
      timeoutMs: 30_000,
      what: `the agent to log "${REACHABLE_AGAIN}"`,
    });
    const restarted = await waitFor(async () => a.pod("sleeper"), {
      timeoutMs: 30_000,
      what: "the container to be restarted once",
      until: (p) => appStatus(p)?.restartCount === 1 && appStatus(p)?.state?.running !== undefined,
    });
    const newId = containerId(restarted);
    assert.notEqual(newId, id);
    assert.equal(appStatus(restarted)?.lastState?.terminated?.exitCode, 137);
    assert.equal(appStatus(restarted)?.lastState?.terminated?.containerID, `docker://${id}`);
    const info = await docker.getContainer(newId).inspect();
    assert.equal(info.State.Running, true);
    assert.equal(info.Config.Labels["io.daemonlet.attempt"], "1");
    assert.equal(info.Config.Labels["io.daemonlet.node"], a.nodeName);
    const ours = await docker.listContainers({
      all: true,
      filters: { label: [`io.daemonlet.node=${a.nodeName}`] },
    });
    assert.deepEqual(
      ours.map((c) => c.Id).sort(),
      [id, newId].sort(),
      "the new attempt, and the dead one kept as the previous attempt; nothing else",
    );
    assert.equal(logsSince(a, mark, UNREACHABLE).length, 1, "the outage is logged once");
    assert.ok(a.isRunning());
  });

  it("starts without an engine, waits for it, then runs its pods", async () => {
    assert.ok(agent && proxy);
    const a = agent;
    // The same node and pod, so the previous test's containers are adopted, not duplicated.
    await a.kill("SIGKILL");
    await removeNodeContainers(a.nodeName);
    await proxy.cut();
    const mark = a.logs.length;
    await a.start({ until: UNREACHABLE });
    assert.ok(a.isRunning());
    // The local API is up before the engine is, and claims nothing it has not observed.
    const listed = await a.pods();
    assert.ok(
      listed.every((p) => p.status?.phase !== "Running"),
      `no pod reported running before the engine was seen: ${JSON.stringify(listed)}`,
    );
    assert.deepEqual(logsSince(a, mark, "agent running"), []);

    await proxy.restore();
    const pod = await waitFor(async () => a.pod("sleeper"), {
      timeoutMs: 30_000,
      what: "pod sleeper to run once the engine is back",
      until: (p) => appStatus(p)?.state?.running !== undefined,
    });
    assert.equal(appStatus(pod)?.restartCount, 0);
    assert.equal(logsSince(a, mark, "agent running").length, 1);
    assert.equal(logsSince(a, mark, REACHABLE_AGAIN).length, 1);
    const info = await docker.getContainer(containerId(pod)).inspect();
    assert.equal(info.State.Running, true);
  });
});

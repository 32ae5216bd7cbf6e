import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Pod } from "kubernetes-types/core/v1.js";
import { AgentProcess } from "../support/agent-process.js";
import { daemonlet } from "../support/cli-run.js";
import { removeNodeContainers } from "../support/docker-cleanup.js";
import { waitFor } from "../support/wait.js";

describe("init containers run by the agent", () => {
  let agent: AgentProcess;
  const pod = async (name: string) => (await agent.pod(name)) as Pod | undefined;
  /** The STATUS column of `daemonlet node pods`, as an operator reads it. */
  const cliStatus = async (name: string) => {
    const r = await daemonlet(["node", "pods", "--state-dir", agent.stateDir]);
    const row = r.stdout.split("\n").find((l) => l.startsWith(`${name}-${agent.nodeName} `));
    return row?.trim().split(/\s+/)[2];
  };
  const manifest = (name: string, body: string) =>
    writeFile(path.join(agent.manifests, `${name}.yaml`), body);

  before(async () => {
    agent = await AgentProcess.create("init");
    await agent.start();
  });

  after(async () => {
    await agent.dispose();
    await removeNodeContainers(agent.nodeName);
  });

  it("runs init containers in order, to completion, before the app container", async () => {
    await manifest(
      "ordered",
      `apiVersion: v1
kind: Pod
metadata: {name: ordered}
spec:
  terminationGracePeriodSeconds: 0
  volumes: [{name: host, hostPath: {path: ${agent.hostData}, type: Directory}}]
  initContainers:
  - name: first
    image: busybox:1.36
    command: [sh, -c, "echo first >> /host/order"]
    volumeMounts: [{name: host, mountPath: /host}]
  - name: second
    image: busybox:1.36
    command: [sh, -c, "echo second >> /host/order"]
    volumeMounts: [{name: host, mountPath: /host}]
  containers:
  - name: app
    image: busybox:1.36
    command: [sh, -c, "echo app >> /host/order; exec sleep 3600"]
    volumeMounts: [{name: host, mountPath: /host}]
`,
    );
    const running = await waitFor(() => pod("ordered"), {
      timeoutMs: 30_000,
      what: "the app container running",
      until: (p) => !!p?.status?.containerStatuses?.[0]?.state?.running,
    });
    assert.equal(
      await readFile(path.join(agent.hostData, "order"), "utf8"),
      "first\nsecond\napp\n",
    );
    const inits = running?.status?.initContainerStatuses ?? [];
    assert.deepEqual(
      inits.map((s) => [s.name, s.state?.terminated?.reason, s.ready]),
      [
        ["first", "Completed", true],
        ["second", "Completed", true],
      ],
    );
    const initialized = running?.status?.conditions?.find((c) => c.type === "Initialized");
    assert.equal(initialized?.status, "True");
    assert.equal(await cliStatus("ordered"), "Running");

    // An agent restart adopts the running pod: the init containers do not run again.
    const appId = running?.status?.containerStatuses?.[0]?.containerID;
    await agent.kill("SIGKILL");
    await agent.start();
    const adopted = await waitFor(() => pod("ordered"), {
      timeoutMs: 30_000,
      what: "the pod seen again after the agent restarted",
      until: (p) => !!p?.status?.containerStatuses?.[0]?.state?.running,
    });
    assert.equal(adopted?.status?.containerStatuses?.[0]?.containerID, appId);
    assert.equal(
      await readFile(path.join(agent.hostData, "order"), "utf8"),
      "first\nsecond\napp\n",
    );
  });

  it("retries a failing init container with back-off and holds the app container", async () => {
    // Fails twice, then succeeds: the first retry is immediate, the second waits out 10 s.
    await manifest(
      "flaky",
      `apiVersion: v1
kind: Pod
metadata: {name: flaky}
spec:
  terminationGracePeriodSeconds: 0
  volumes: [{name: host, hostPath: {path: ${agent.hostData}, type: Directory}}]
  initContainers:
  - name: wait-for-config
    image: busybox:1.36
    command: [sh, -c, "n=$(cat /host/tries 2>/dev/null || echo 0); n=$((n+1)); echo $n > /host/tries; [ $n -ge 3 ]"]
    volumeMounts: [{name: host, mountPath: /host}]
  containers:
  - name: app
    image: busybox:1.36
    command: [sleep, "3600"]
`,
    );
    const backingOff = await waitFor(() => pod("flaky"), {
      timeoutMs: 30_000,
      what: "the init container in CrashLoopBackOff",
      until: (p) =>
        p?.status?.initContainerStatuses?.[0]?.state?.waiting?.reason === "CrashLoopBackOff",
    });
    assert.equal(backingOff?.status?.phase, "Pending");
    assert.equal(
      backingOff?.status?.containerStatuses?.[0]?.state?.waiting?.reason,
      "PodInitializing",
    );
    assert.equal(
      backingOff?.status?.conditions?.find((c) => c.type === "Initialized")?.reason,
      "ContainersNotInitialized",
    );
    assert.equal(await cliStatus("flaky"), "Init:CrashLoopBackOff");

    const done = await waitFor(() => pod("flaky"), {
      timeoutMs: 60_000,
      what: "the app container running after the third try",
      until: (p) => !!p?.status?.containerStatuses?.[0]?.state?.running,
    });
    assert.equal(done?.status?.initContainerStatuses?.[0]?.restartCount, 2);
    assert.equal(await readFile(path.join(agent.hostData, "tries"), "utf8"), "3\n");
  });

  it("with restartPolicy Never, a failed init container fails the pod", async () => {
    await manifest(
      "doomed",
      `apiVersion: v1
kind: Pod
metadata: {name: doomed}
spec:
  restartPolicy: Never
  initContainers:
  - {name: check, image: busybox:1.36, command: [sh, -c, "exit 3"]}
  containers:
  - {name: app, image: busybox:1.36, command: [sleep, "3600"]}
`,
    );
    const failed = await waitFor(() => pod("doomed"), {
      timeoutMs: 30_000,
      what: "the pod Failed",
      until: (p) => p?.status?.phase === "Failed",
    });
    assert.equal(failed?.status?.initContainerStatuses?.[0]?.state?.terminated?.exitCode, 3);
    assert.equal(failed?.status?.containerStatuses?.[0]?.containerID, undefined);
    assert.equal(await cliStatus("doomed"), "Init:Error");
  });
});

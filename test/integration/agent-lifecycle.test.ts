import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import Docker from "dockerode";
import type { Pod } from "kubernetes-types/core/v1.js";
import { AgentProcess } from "../support/agent-process.js";
import { removeNodeContainers } from "../support/docker-cleanup.js";
import { waitFor } from "../support/wait.js";

const docker = new Docker();

describe("lifecycle hooks run by the agent", () => {
  let agent: AgentProcess;
  const status = async (pod: string) =>
    ((await agent.pod(pod)) as Pod | undefined)?.status?.containerStatuses?.[0];

  before(async () => {
    agent = await AgentProcess.create("hooks");
    await agent.start();
  });

  after(async () => {
    await agent.dispose();
    await removeNodeContainers(agent.nodeName);
  });

  it("runs postStart after the start and preStop before SIGTERM, inside the grace period", async () => {
    const file = path.join(agent.manifests, "hooked.yaml");
    await writeFile(
      file,
      `apiVersion: v1
kind: Pod
metadata: {name: hooked}
spec:
  terminationGracePeriodSeconds: 10
  volumes: [{name: host, hostPath: {path: ${agent.hostData}, type: Directory}}]
  containers:
  - name: app
    image: busybox:1.36
    command: [sh, -c, "trap 'echo term >> /host/trace; exit 0' TERM; while true; do sleep 1; done"]
    volumeMounts: [{name: host, mountPath: /host}]
    lifecycle:
      postStart: {exec: {command: [sh, -c, "echo poststart >> /host/trace"]}}
      preStop: {exec: {command: [sh, -c, "echo prestop >> /host/trace"]}}
`,
    );
    const trace = path.join(agent.hostData, "trace");
    await waitFor(() => readFile(trace, "utf8").catch(() => ""), {
      timeoutMs: 30_000,
      what: "postStart to write its line",
      until: (t) => t === "poststart\n",
    });
    await waitFor(() => status("hooked"), {
      timeoutMs: 30_000,
      what: "running",
      until: (s) => !!s.state?.running,
    });
    await rm(file);
    await waitFor(
      async () =>
        (
          await docker.listContainers({
            all: true,
            filters: { label: [`io.daemonlet.node=${agent.nodeName}`] },
          })
        ).length,
      {
        timeoutMs: 30_000,
        what: "the container to be gone",
        until: (n) => n === 0,
      },
    );
    assert.equal(await readFile(trace, "utf8"), "poststart\nprestop\nterm\n");
  });

  it("a failing postStart hook kills the container and it is restarted", async () => {
    await writeFile(
      path.join(agent.manifests, "badhook.yaml"),
      `apiVersion: v1
kind: Pod
metadata: {name: badhook}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: app
    image: busybox:1.36
    command: [sleep, "3600"]
    lifecycle:
      postStart: {exec: {command: [sh, -c, "exit 7"]}}
`,
    );
    const s = await waitFor(() => status("badhook"), {
      timeoutMs: 30_000,
      what: "the container restarted after its postStart hook failed",
      until: (x) => (x.restartCount ?? 0) >= 1,
    });
    assert.ok(s.lastState?.terminated || s.state?.waiting);
    assert.ok(agent.logs.some((l) => /PostStartHookError/.test(JSON.stringify(l))));
    await rm(path.join(agent.manifests, "badhook.yaml"));
  });
});

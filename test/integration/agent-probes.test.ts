import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import Docker from "dockerode";
import type { Pod } from "kubernetes-types/core/v1.js";
import { AgentProcess } from "../support/agent-process.js";
import { removeNodeContainers } from "../support/docker-cleanup.js";
import { execIn } from "../support/docker-exec.js";
import { waitFor } from "../support/wait.js";

const docker = new Docker();

const MANIFEST = `apiVersion: v1
kind: Pod
metadata: {name: probed}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: web
    image: busybox:1.36
    command: [sh, -c, "mkdir -p /www && touch /www/ready && exec httpd -f -p 8080 -h /www"]
    ports: [{name: http, containerPort: 8080}]
    readinessProbe:
      httpGet: {path: /ready, port: http}
      periodSeconds: 1
      failureThreshold: 1
  - name: alive
    image: busybox:1.36
    command: [sh, -c, "touch /tmp/alive; exec sleep 3600"]
    livenessProbe:
      exec: {command: [test, -f, /tmp/alive]}
      periodSeconds: 1
      failureThreshold: 1
  - name: slow
    image: busybox:1.36
    command: [sleep, "3600"]
    startupProbe:
      exec: {command: [sh, -c, "echo run >> /tmp/startup-runs; test -f /tmp/started"]}
      periodSeconds: 1
      failureThreshold: 600
    livenessProbe:
      exec: {command: [test, -f, /tmp/never]}
      periodSeconds: 1
      failureThreshold: 1
`;

describe("probes run by the agent", () => {
  let agent: AgentProcess;
  const status = async (name: string) => {
    const pod: Pod | undefined = await agent.pod("probed");
    return pod?.status?.containerStatuses?.find((c) => c.name === name);
  };
  const idOf = async (name: string) =>
    (await status(name))?.containerID?.replace("docker://", "") ?? "";
  const readyCondition = async () =>
    (await agent.pod("probed"))?.status?.conditions?.find((c) => c.type === "Ready")?.status;

  before(async () => {
    agent = await AgentProcess.create("probes");
    await writeFile(path.join(agent.manifests, "probed.yaml"), MANIFEST);
    await agent.start();
  });

  after(async () => {
    await agent.dispose();
    await removeNodeContainers(agent.nodeName);
  });

  it("readiness (httpGet on a named port) shows in status both ways", async () => {
    await waitFor(() => status("web"), {
      timeoutMs: 30_000,
      what: "web ready",
      until: (s) => s.ready === true,
    });
    const web = await idOf("web");
    await execIn(docker, web, ["rm", "/www/ready"]);
    await waitFor(() => status("web"), {
      timeoutMs: 30_000,
      what: "web not ready",
      until: (s) => s.ready === false,
    });
    assert.equal(await readyCondition(), "False");
    await execIn(docker, web, ["touch", "/www/ready"]);
    await waitFor(() => status("web"), {
      timeoutMs: 30_000,
      what: "web ready again",
      until: (s) => s.ready === true,
    });
    assert.equal((await status("web"))?.restartCount, 0, "readiness never restarts");
  });

  it("a failing liveness probe restarts the container", async () => {
    await waitFor(() => status("alive"), {
      timeoutMs: 30_000,
      what: "alive running",
      until: (s) => !!s.state?.running,
    });
    await execIn(docker, await idOf("alive"), ["rm", "/tmp/alive"]);
    const restarted = await waitFor(() => status("alive"), {
      timeoutMs: 30_000,
      what: "alive restarted after its liveness probe failed",
      until: (s) => s.restartCount === 1 && !!s.state?.running,
    });
    assert.ok(restarted.lastState?.terminated, "the killed attempt is the last state");
    assert.ok(
      agent.logs.some(
        (l) => l.message === "stopping container" && /Liveness probe failed/.test(String(l.reason)),
      ),
    );
  });

  it("a startup probe holds liveness until it passes", async () => {
    const slow = await waitFor(() => status("slow"), {
      timeoutMs: 30_000,
      what: "slow running",
      until: (s) => !!s.state?.running,
    });
    assert.equal(slow.started, false);
    assert.equal(slow.ready, false);
    // Its liveness probe would fail at once; while the startup probe has not passed it never
    // runs. Each startup probe run leaves a line behind: let a few go by.
    const id = await idOf("slow");
    const runs = async () => (await execIn(docker, id, ["cat", "/tmp/startup-runs"])).output;
    await waitFor(async () => (await runs()).split("\n").filter(Boolean).length, {
      timeoutMs: 30_000,
      what: "three startup probe runs",
      until: (n) => n >= 3,
    });
    assert.equal((await status("slow"))?.restartCount, 0);
    assert.equal(await idOf("slow"), id);
    await execIn(docker, await idOf("slow"), ["touch", "/tmp/started"]);
    await waitFor(() => status("slow"), {
      timeoutMs: 30_000,
      what: "slow restarted once liveness runs",
      until: (s) => (s.restartCount ?? 0) >= 1,
    });
  });
});

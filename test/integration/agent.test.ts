import { after, afterEach, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import Docker from "dockerode";
import type { Pod } from "kubernetes-types/core/v1.js";
import { LABEL } from "../../agent/runtime/labels.js";
import { currentMountPoints, mountPointsUnder } from "../../hostpaths/mountinfo.js";
import { AgentProcess } from "../support/agent-process.js";
import { removeNodeContainers } from "../support/docker-cleanup.js";
import { waitFor } from "../support/wait.js";
import { execIn } from "../support/docker-exec.js";

const docker = new Docker();
const IMAGE = "busybox:1.36";

function podManifest(name: string, spec: string): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
${spec
  .trim()
  .split("\n")
  .map((l) => `  ${l}`)
  .join("\n")}
`;
}

/** A pod of one container that sleeps, stopping within a second. */
function sleeper(name: string): string {
  return podManifest(
    name,
    `
terminationGracePeriodSeconds: 1
containers:
- {name: app, image: ${IMAGE}, command: ["sleep", "3600"]}
`,
  );
}

async function containersOf(node: string, all = false) {
  return docker.listContainers({ all, filters: { label: [`io.daemonlet.node=${node}`] } });
}

async function exec(id: string, cmd: string[]): Promise<string> {
  return (await execIn(docker, id, cmd)).output;
}

function containerStatus(pod: Pod | undefined, name = "app") {
  return pod?.status?.containerStatuses?.find((c) => c.name === name);
}

describe("agent with static pods on the real engine", () => {
  let agent: AgentProcess;

  before(async () => {
    agent = await AgentProcess.create("static");
    await agent.start();
  });

  afterEach(async () => {
    for (const f of [
      "tailer.yaml",
      "crash.yaml",
      "refused.yaml",
      "sibling.yaml",
      "priv.yaml",
      "never.yaml",
    ]) {
      await rm(path.join(agent.manifests, f), { force: true });
    }
    await waitFor(async () => (await containersOf(agent.nodeName, true)).length === 0, {
      timeoutMs: 60_000,
      what: "the test's containers to be removed by the agent",
    }).catch(async (err: unknown) => {
      await removeNodeContainers(agent.nodeName);
      throw err;
    });
  });

  after(async () => {
    await agent.dispose();
    await removeNodeContainers(agent.nodeName);
  });

  it("runs a static pod with a hostPath mount whose content is visible inside", async () => {
    await writeFile(path.join(agent.hostData, "hello.log"), "hello from the host\n");
    await writeFile(
      path.join(agent.manifests, "tailer.yaml"),
      podManifest(
        "tailer",
        `
terminationGracePeriodSeconds: 1
containers:
- name: app
  image: ${IMAGE}
  command: ["sh", "-c", "echo node=$NODE; exec sleep 3600"]
  env:
  - name: NODE
    valueFrom: {fieldRef: {fieldPath: spec.nodeName}}
  resources:
    limits: {cpu: 500m, memory: 64Mi}
  securityContext:
    capabilities: {add: [NET_ADMIN], drop: [MKNOD]}
    runAsUser: 1000
    readOnlyRootFilesystem: true
  volumeMounts:
  - {name: logs, mountPath: /host/logs, readOnly: true}
volumes:
- name: logs
  hostPath: {path: ${agent.hostData}, type: Directory}
`,
      ),
    );
    const pod = await waitFor(
      async () => {
        const p = await agent.pod("tailer");
        return p?.status?.phase === "Running" ? p : undefined;
      },
      { timeoutMs: 30_000, what: "pod tailer to be Running" },
    );
    assert.equal(pod.spec?.nodeName, agent.nodeName);
    const id = containerStatus(pod)?.containerID?.replace("docker://", "") ?? "";
    assert.equal(await exec(id, ["cat", "/host/logs/hello.log"]), "hello from the host\n");
    assert.match(
      await exec(id, ["sh", "-c", "touch /host/logs/x 2>&1 || echo refused"]),
      /refused|Read-only/,
    );
    const info = await docker.getContainer(id).inspect();
    assert.equal(info.HostConfig.NanoCpus, 500_000_000);
    assert.equal(info.HostConfig.Memory, 64 * 1024 * 1024);
    assert.equal(info.Config.Labels["io.daemonlet.node"], agent.nodeName);
    assert.deepEqual(info.HostConfig.CapAdd, ["NET_ADMIN"]);
    assert.deepEqual(info.HostConfig.CapDrop, ["MKNOD"]);
    assert.equal(info.Config.User, "1000");
    assert.equal(info.HostConfig.ReadonlyRootfs, true);
    assert.equal(await exec(id, ["id", "-u"]), "1000\n");
    assert.ok(info.Config.Env.includes(`NODE=${agent.nodeName}`));
  });

  it("replaces the pod when its file changes and stops it when the file goes", async () => {
    const file = path.join(agent.manifests, "tailer.yaml");
    const manifest = (msg: string) =>
      podManifest(
        "tailer",
        `
terminationGracePeriodSeconds: 1
containers:
- name: app
  image: ${IMAGE}
  args: ["sh", "-c", "echo ${msg}; exec sleep 3600"]
`,
      );
    await writeFile(file, manifest("one"));
    const first = await waitFor(
      async () =>
        containerStatus(await agent.pod("tailer"))?.state?.running && (await agent.pod("tailer")),
      { timeoutMs: 30_000, what: "first version running" },
    );
    await writeFile(file, manifest("two"));
    const second = await waitFor(
      async () => {
        const p = await agent.pod("tailer");
        return p && p.metadata?.uid !== first.metadata?.uid && containerStatus(p)?.state?.running
          ? p
          : undefined;
      },
      { timeoutMs: 30_000, what: "second version running" },
    );
    const running = await containersOf(agent.nodeName);
    assert.equal(running.length, 1, "exactly one container after the replacement");
    assert.equal(running[0]?.Labels["io.daemonlet.pod-uid"], second.metadata?.uid);
    await rm(file);
    await waitFor(async () => (await containersOf(agent.nodeName, true)).length === 0, {
      timeoutMs: 30_000,
      what: "the container to be gone after the file was removed",
    });
    // The next test writes a pod of the same name: it must not find this one's last status.
    await waitFor(async () => (await agent.pod("tailer")) === undefined, {
      timeoutMs: 30_000,
      what: "the agent to stop reporting the removed pod",
    });
  });

  it("restarts a container killed from outside, with restart count 1", async () => {
    await writeFile(path.join(agent.manifests, "tailer.yaml"), sleeper("tailer"));
    const pod = await waitFor(
      async () => {
        const p = await agent.pod("tailer");
        return containerStatus(p)?.state?.running ? p : undefined;
      },
      { timeoutMs: 30_000, what: "pod running" },
    );
    const id = containerStatus(pod)?.containerID?.replace("docker://", "") ?? "";
    await docker.getContainer(id).kill({ signal: "SIGKILL" });
    const restarted = await waitFor(
      async () => {
        const s = containerStatus(await agent.pod("tailer"));
        return s?.restartCount === 1 && s.state?.running ? s : undefined;
      },
      { timeoutMs: 30_000, what: "container restarted once" },
    );
    assert.equal(restarted.lastState?.terminated?.exitCode, 137);
    assert.notEqual(restarted.containerID, `docker://${id}`);
  });

  it("shows a crash-looping container in CrashLoopBackOff", async () => {
    await writeFile(
      path.join(agent.manifests, "crash.yaml"),
      podManifest(
        "crash",
        `
containers:
- {name: app, image: ${IMAGE}, command: ["sh", "-c", "echo boom; exit 3"]}
`,
      ),
    );
    const status = await waitFor(
      async () => {
        const s = containerStatus(await agent.pod("crash"));
        return s?.state?.waiting?.reason === "CrashLoopBackOff" ? s : undefined;
      },
      { timeoutMs: 30_000, what: "CrashLoopBackOff" },
    );
    assert.ok((status.restartCount ?? 0) >= 1);
    assert.equal(status.lastState?.terminated?.exitCode, 3);
    assert.match(
      status.state?.waiting?.message ?? "",
      /^back-off \d+s restarting failed container=app pod=crash-/,
    );
  });

  it("refuses a hostPath outside the allowed roots and leaves a sibling pod alone", async () => {
    await writeFile(path.join(agent.manifests, "sibling.yaml"), sleeper("sibling"));
    await writeFile(
      path.join(agent.manifests, "refused.yaml"),
      podManifest(
        "refused",
        `
containers:
- name: app
  image: ${IMAGE}
  volumeMounts: [{name: etc, mountPath: /host-etc}]
volumes:
- {name: etc, hostPath: {path: /etc, type: Directory}}
`,
      ),
    );
    const waiting = await waitFor(
      async () => containerStatus(await agent.pod("refused"))?.state?.waiting,
      {
        timeoutMs: 30_000,
        what: "refused pod to report why",
        until: (w) => w.reason === "HostPathNotAllowed",
      },
    );
    assert.match(
      waiting.message ?? "",
      /HostPathNotAllowed: volume "etc": \/etc is outside the allowed roots/,
    );
    const sibling = await waitFor(
      async () => containerStatus(await agent.pod("sibling"))?.state?.running,
      {
        timeoutMs: 30_000,
        what: "sibling running",
      },
    );
    assert.ok(sibling.startedAt);
    const all = await containersOf(agent.nodeName, true);
    assert.ok(all.every((c) => c.Labels["io.daemonlet.pod-name"] !== `refused-${agent.nodeName}`));
  });

  it("binds a pin of each hostPath, and unpins it with the pod, deleting nothing on the host", async () => {
    const data = path.join(agent.hostData, "pinned");
    await mkdir(data);
    await writeFile(path.join(data, "keep"), "host data\n");
    const manifest = path.join(agent.manifests, "pinned.yaml");
    const pinnedPod = podManifest(
      "pinned",
      `
terminationGracePeriodSeconds: 1
containers:
- name: app
  image: ${IMAGE}
  command: ["sleep", "3600"]
  volumeMounts: [{name: data, mountPath: /data}]
volumes:
- {name: data, hostPath: {path: ${data}, type: Directory}}
`,
    );
    await writeFile(manifest, pinnedPod);
    const pod = await waitFor(() => agent.pod("pinned"), {
      timeoutMs: 30_000,
      what: "pod pinned running",
      until: (p) => p.status?.phase === "Running",
    });
    const pins = path.join(agent.stateDir, "pins", pod.metadata?.uid ?? "");
    const id = containerStatus(pod)?.containerID?.replace("docker://", "") ?? "";
    const bound = (await docker.getContainer(id).inspect()).Mounts.find(
      (m) => m.Destination === "/data",
    );
    assert.equal(bound?.Source, path.join(pins, "volumes/data"));
    assert.deepEqual(mountPointsUnder(await currentMountPoints(), pins), [bound?.Source]);
    assert.equal(await exec(id, ["cat", "/data/keep"]), "host data\n");
    await exec(id, ["sh", "-c", "echo from the pod > /data/written"]);
    assert.equal(await readFile(path.join(data, "written"), "utf8"), "from the pod\n");

    await rm(manifest);
    await waitFor(async () => !existsSync(pins), { timeoutMs: 30_000, what: "the pins removed" });
    assert.deepEqual(mountPointsUnder(await currentMountPoints(), pins), []);
    assert.equal(await readFile(path.join(data, "keep"), "utf8"), "host data\n");
    assert.equal(await readFile(path.join(data, "written"), "utf8"), "from the pod\n");

    // A pod that goes while the agent is down (its containers removed by hand) leaves no pin.
    await writeFile(manifest, pinnedPod);
    const again = await waitFor(() => agent.pod("pinned"), {
      timeoutMs: 30_000,
      what: "pod pinned running again",
      until: (p) => p.status?.phase === "Running",
    });
    const pinsAgain = path.join(agent.stateDir, "pins", again.metadata?.uid ?? "");
    assert.equal(mountPointsUnder(await currentMountPoints(), pinsAgain).length, 1);
    await agent.kill("SIGKILL");
    await rm(manifest);
    await removeNodeContainers(agent.nodeName);
    await agent.start();
    assert.ok(!existsSync(pinsAgain), "the pins of a pod gone while the agent was down");
    assert.deepEqual(mountPointsUnder(await currentMountPoints(), pinsAgain), []);
    assert.equal(await readFile(path.join(data, "keep"), "utf8"), "host data\n");
  });

  it("creates a privileged container as asked and reports the engine's start failure", async () => {
    await writeFile(
      path.join(agent.manifests, "priv.yaml"),
      podManifest(
        "priv",
        `
containers:
- name: app
  image: ${IMAGE}
  command: ["sleep", "3600"]
  securityContext: {privileged: true}
`,
      ),
    );
    const status = await waitFor(async () => containerStatus(await agent.pod("priv")), {
      timeoutMs: 30_000,
      what: "privileged start failure in status",
      until: (s) =>
        s.state?.waiting?.reason === "RunContainerError" ||
        s.state?.waiting?.reason === "CrashLoopBackOff" ||
        s.lastState?.terminated?.reason === "StartError",
    });
    // The agent replaces a failed container on its next attempt, so the one listed can be gone by
    // the inspect: list and inspect again until one answers.
    const info = await waitFor(
      async () => {
        const [created] = await docker.listContainers({
          all: true,
          filters: {
            label: [`${LABEL.node}=${agent.nodeName}`, `${LABEL.podName}=priv-${agent.nodeName}`],
          },
        });
        return created && (await docker.getContainer(created.Id).inspect());
      },
      { timeoutMs: 30_000, what: `a created container of the pod (${JSON.stringify(status)})` },
    );
    assert.equal(info.HostConfig.Privileged, true);
  });

  it("reports a missing image with pull policy Never as ErrImageNeverPull", async () => {
    await writeFile(
      path.join(agent.manifests, "never.yaml"),
      podManifest(
        "never",
        `
containers:
- {name: app, image: "daemonlet.test/absent:0", imagePullPolicy: Never}
`,
      ),
    );
    const waiting = await waitFor(
      async () => containerStatus(await agent.pod("never"))?.state?.waiting,
      {
        timeoutMs: 30_000,
        what: "ErrImageNeverPull",
        until: (w) => w.reason === "ErrImageNeverPull",
      },
    );
    assert.match(
      waiting.message ?? "",
      /daemonlet.test\/absent:0.*not present with pull policy of Never/,
    );
  });

  it("keeps the last good pod when its file becomes invalid, and says so", async () => {
    const file = path.join(agent.manifests, "tailer.yaml");
    await writeFile(file, sleeper("tailer"));
    const before = await waitFor(
      async () =>
        containerStatus(await agent.pod("tailer"))?.state?.running && (await agent.pod("tailer")),
      {
        timeoutMs: 30_000,
        what: "pod running",
      },
    );
    await writeFile(file, podManifest("tailer", `containers:\n- {name: app, imagex: nope}`));
    const problem = await waitFor(
      async () => (await agent.problems()).find((p) => p.file === file),
      {
        timeoutMs: 30_000,
        what: "the manifest problem to be visible",
      },
    );
    assert.match(problem.message, /spec\.containers\[0\]/);
    assert.equal(problem.keptPod, `tailer-${agent.nodeName}`);
    const after = await agent.pod("tailer");
    assert.equal(containerStatus(after)?.containerID, containerStatus(before)?.containerID);
    assert.ok(
      agent.logs.some((l) => l.message === "invalid static pod manifest" && l.file === file),
    );
  });
});

describe("agent restarts", () => {
  let agent: AgentProcess;
  let other: AgentProcess;

  before(async () => {
    agent = await AgentProcess.create("restart");
    other = await AgentProcess.create("neighbour");
  });

  after(async () => {
    await agent.dispose();
    await other.dispose();
    await removeNodeContainers(agent.nodeName);
    await removeNodeContainers(other.nodeName);
  });

  it("re-adopts running containers after SIGKILL and never touches another node's containers", async () => {
    const manifest = podManifest(
      "tailer",
      `
terminationGracePeriodSeconds: 1
containers:
- {name: app, image: ${IMAGE}, command: ["sleep", "3600"]}
- {name: sidecar, image: ${IMAGE}, command: ["sleep", "3600"]}
`,
    );
    await writeFile(path.join(agent.manifests, "tailer.yaml"), manifest);
    await writeFile(path.join(other.manifests, "tailer.yaml"), manifest);
    await agent.start();
    await other.start();
    const runningIds = async (a: AgentProcess) =>
      (await containersOf(a.nodeName)).map((c) => c.Id).sort();
    const ours = await waitFor(async () => runningIds(agent), {
      timeoutMs: 30_000,
      what: "two containers",
      until: (ids) => ids.length === 2,
    });
    const theirs = await waitFor(async () => runningIds(other), {
      timeoutMs: 30_000,
      what: "neighbour's two containers",
      until: (ids) => ids.length === 2,
    });

    await agent.kill("SIGKILL");
    const mark = agent.logs.length;
    await agent.start();
    const readopted = await waitFor(async () => agent.pod("tailer"), {
      timeoutMs: 30_000,
      what: "the restarted agent to report the pod",
      until: (p) => p.status?.phase === "Running",
    });
    assert.deepEqual(await runningIds(agent), ours, "same container IDs after the agent restart");
    assert.deepEqual(
      readopted.status?.containerStatuses?.map((s) => s.restartCount),
      [0, 0],
    );
    const actions = agent.logs
      .slice(mark)
      .filter((l) => /(starting|stopping|removing) container/.test(l.message));
    assert.deepEqual(actions, [], "the restarted agent touched no container");

    // The neighbour's pod file goes away: only the neighbour's containers stop.
    await rm(path.join(other.manifests, "tailer.yaml"));
    await waitFor(async () => (await containersOf(other.nodeName, true)).length === 0, {
      timeoutMs: 30_000,
      what: "the neighbour's containers to be removed",
    });
    assert.deepEqual(await runningIds(agent), ours);
    assert.notDeepEqual(theirs, ours);

    // A clean stop leaves the pods running, like a stopped kubelet.
    assert.equal(await agent.kill("SIGTERM"), 0);
    assert.deepEqual(await runningIds(agent), ours);
  });
});

// Pod features end to end: one agent runs several static pods at once, and each feature is
// checked on the real container (inspect) and from inside it (exec), not from the agent's word.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { readFile, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import Docker from "dockerode";
import type { Pod } from "kubernetes-types/core/v1.js";
import { AgentProcess } from "../support/agent-process.js";
import { execIn } from "../support/docker-exec.js";
import { waitFor } from "../support/wait.js";
import { agentWithContainers, disposeAll } from "../support/cleanup.js";
import { freePort } from "../support/free-port.js";

const docker = new Docker();
const IMAGE = "busybox:1.36";
const NAMESPACE = "features";
const POD_TIMEOUT_MS = 60_000;
const VOLUME_CONTAINERS = ["writer", "reader", "nonroot"];

function indent(text: string, by: string): string {
  return text
    .trim()
    .split("\n")
    .map((l) => `${by}${l}`)
    .join("\n");
}

function podManifest(name: string, spec: string, namespace = "default"): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
${indent(spec, "  ")}
`;
}

function statusOf(pod: Pod | undefined, name = "app") {
  return pod?.status?.containerStatuses?.find((c) => c.name === name);
}

function idOf(pod: Pod | undefined, name = "app"): string {
  const id = statusOf(pod, name)?.containerID?.replace("docker://", "");
  assert.ok(id, `container ${name} has an ID (${JSON.stringify(pod?.status)})`);
  return id;
}

/** Runs `sh -c script` in the container; returns the output, failing on a non-zero exit. */
async function sh(id: string, script: string): Promise<string> {
  const { exitCode, output } = await execIn(docker, id, ["sh", "-c", script]);
  assert.equal(exitCode, 0, `"${script}" exited ${exitCode}: ${output}`);
  return output;
}

function httpGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { timeout: 5000 }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        res.on("error", reject);
      })
      .on("timeout", function (this: http.ClientRequest) {
        this.destroy(new Error(`GET ${url} timed out`));
      })
      .on("error", reject);
  });
}

async function nodeContainers(node: string, podName?: string) {
  const label = [`io.daemonlet.node=${node}`];
  if (podName) label.push(`io.daemonlet.pod-name=${podName}`);
  return docker.listContainers({ all: true, filters: { label } });
}

describe("pod features on the real engine", () => {
  let agent: AgentProcess | undefined;
  let hostPort = 0;
  const files: Record<string, string> = {};

  /** Waits for every container of the pod to be running, and returns the pod. */
  const running = (name: string, containers = ["app"]) => {
    assert.ok(agent);
    const a = agent;
    return waitFor(async () => a.pod(name), {
      timeoutMs: POD_TIMEOUT_MS,
      what: `every container of pod ${name} to be running`,
      until: (p) => containers.every((c) => statusOf(p, c)?.state?.running !== undefined),
    });
  };

  before(async () => {
    agent = await AgentProcess.create("features");
    const a = agent;
    const host = a.hostData;
    hostPort = await freePort("0.0.0.0");
    const sleep = `["sleep", "3600"]`;

    files["hostnet.yaml"] = podManifest(
      "hostnet",
      `
hostNetwork: true
terminationGracePeriodSeconds: 1
containers:
- {name: app, image: ${IMAGE}, command: ${sleep}}
`,
    );
    files["hostpid.yaml"] = podManifest(
      "hostpid",
      `
hostPID: true
terminationGracePeriodSeconds: 1
containers:
- {name: app, image: ${IMAGE}, command: ${sleep}}
`,
    );
    files["ports.yaml"] = podManifest(
      "ports",
      `
terminationGracePeriodSeconds: 1
containers:
- name: app
  image: ${IMAGE}
  command: ["sh", "-c", "mkdir -p /www && echo hello-from-port > /www/index.html && exec httpd -f -p 8080 -h /www"]
  ports:
  - {name: http, containerPort: 8080, hostPort: ${hostPort}}
`,
    );
    files["volumes.yaml"] = podManifest(
      "volumes",
      `
terminationGracePeriodSeconds: 1
containers:
- name: writer
  image: ${IMAGE}
  command: ["sh", "-c", "echo shared-hello > /shared/msg && exec sleep 3600"]
  volumeMounts:
  - {name: shared, mountPath: /shared}
  - {name: mem, mountPath: /mem}
  - {name: base, mountPath: /sub, subPath: app/logs}
  - {name: made, mountPath: /made}
  - {name: file, mountPath: /config/file.txt}
- name: reader
  image: ${IMAGE}
  command: ${sleep}
  volumeMounts:
  - {name: shared, mountPath: /shared, readOnly: true}
  - {name: made, mountPath: /made-ro, readOnly: true}
- name: nonroot
  image: ${IMAGE}
  command: ${sleep}
  securityContext: {runAsUser: 1000}
  volumeMounts:
  - {name: shared, mountPath: /shared}
volumes:
- {name: shared, emptyDir: {}}
- {name: mem, emptyDir: {medium: Memory, sizeLimit: 16Mi}}
- {name: base, hostPath: {path: ${host}/subroot}}
- {name: made, hostPath: {path: ${host}/made/deeper, type: DirectoryOrCreate}}
- {name: file, hostPath: {path: ${host}/created.txt, type: FileOrCreate}}
`,
    );
    files["env.yaml"] = podManifest(
      "env",
      `
terminationGracePeriodSeconds: 1
containers:
- name: app
  image: ${IMAGE}
  workingDir: /work/here
  command: ["sh", "-c", "printf '%s\\\\n' \\"$@\\" > /tmp/args && exec sleep 3600", "sh"]
  args: ["$(POD_NAME)", "$(POD_NAMESPACE)", "$(HOST_IP)", "$(GREETING)", "$(UNDEFINED)", "$$(POD_NAME)"]
  env:
  - name: POD_NAME
    valueFrom: {fieldRef: {fieldPath: metadata.name}}
  - name: POD_NAMESPACE
    valueFrom: {fieldRef: {fieldPath: metadata.namespace}}
  - name: HOST_IP
    valueFrom: {fieldRef: {fieldPath: status.hostIP}}
  - {name: GREETING, value: "hello $(POD_NAME)"}
`,
      NAMESPACE,
    );
    files["never.yaml"] = podManifest(
      "never",
      `
restartPolicy: Never
containers:
- {name: app, image: ${IMAGE}, command: ["sh", "-c", "echo done"]}
`,
    );
    files["daemonset.yaml"] = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: feature-ds
  namespace: ${NAMESPACE}
spec:
  selector:
    matchLabels: {app: feature-ds}
  template:
    metadata:
      labels: {app: feature-ds, tier: node}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - {name: app, image: ${IMAGE}, command: ${sleep}}
`;
    files["graceful.yaml"] = podManifest(
      "graceful",
      `
terminationGracePeriodSeconds: 20
containers:
- name: app
  image: ${IMAGE}
  command:
  - sh
  - -c
  - >-
    trap 'echo term >> /marker/state; sleep 2; echo finished >> /marker/state; exit 0' TERM;
    echo started > /marker/state;
    sleep 3600 & wait
  volumeMounts:
  - {name: marker, mountPath: /marker}
volumes:
- {name: marker, hostPath: {path: ${host}/grace, type: DirectoryOrCreate}}
`,
    );
    for (const [file, text] of Object.entries(files)) {
      await writeFile(path.join(a.manifests, file), text);
    }
    await a.start();
  });

  after(() => disposeAll(agentWithContainers(agent)));

  it("hostNetwork: the container is in the host's network, and podIP is the hostIP", async () => {
    const pod = await running("hostnet");
    const info = await docker.getContainer(idOf(pod)).inspect();
    assert.equal(info.HostConfig.NetworkMode, "host");
    assert.ok(pod.status?.hostIP, "the pod reports a hostIP");
    assert.equal(pod.status?.podIP, pod.status?.hostIP);
    // The node's address is on one of the interfaces the container sees.
    const addresses = await sh(idOf(pod), "ip -4 addr");
    assert.ok(
      addresses.includes(`inet ${pod.status?.hostIP}/`),
      `${pod.status?.hostIP} in:\n${addresses}`,
    );
  });

  it("hostPID: the container sees the host's processes, the agent among them", async () => {
    assert.ok(agent);
    const pid = agent.pid;
    assert.ok(pid);
    const pod = await running("hostpid");
    const id = idOf(pod);
    assert.equal((await docker.getContainer(id).inspect()).HostConfig.PidMode, "host");
    const cmdline = await sh(id, `tr '\\0' ' ' < /proc/${pid}/cmdline`);
    assert.match(cmdline, /cli\/main\.ts agent --node-name features-/);
    const ps = await sh(id, "ps -o pid,args");
    assert.ok(
      ps.split("\n").some((l) => l.trim().startsWith(`${pid} `)),
      `the agent's pid ${pid} in ps:\n${ps}`,
    );
    // A container without hostPID sees only its own processes.
    const own = await running("hostnet");
    const isolated = await sh(idOf(own), `test -e /proc/${pid} && echo visible || echo hidden`);
    assert.equal(isolated, "hidden\n");
  });

  it("hostPort on a bridge pod: bound on all addresses and reachable on 127.0.0.1", async () => {
    const pod = await running("ports");
    const info = await docker.getContainer(idOf(pod)).inspect();
    assert.notEqual(info.HostConfig.NetworkMode, "host");
    // The agent passes no HostIp (Kubernetes' default hostIP is every address), so Docker binds
    // the port on 0.0.0.0.
    assert.deepEqual(info.HostConfig.PortBindings?.["8080/tcp"], [
      { HostIp: "", HostPort: String(hostPort) },
    ]);
    const bound = info.NetworkSettings.Ports["8080/tcp"] ?? [];
    assert.ok(
      bound.some((b) => b.HostIp === "0.0.0.0" && b.HostPort === String(hostPort)),
      JSON.stringify(bound),
    );
    // The pod's IP is its own bridge address, not the node's.
    const bridgeIPs = Object.values(info.NetworkSettings.Networks).map((n) => n.IPAddress);
    assert.ok(pod.status?.podIP && bridgeIPs.includes(pod.status.podIP), JSON.stringify(pod));
    assert.notEqual(pod.status?.podIP, pod.status?.hostIP);
    const res = await waitFor(() => httpGet(`http://127.0.0.1:${hostPort}/index.html`), {
      timeoutMs: 30_000,
      what: `httpd to answer on 127.0.0.1:${hostPort}`,
    });
    assert.equal(res.status, 200);
    assert.equal(res.body, "hello-from-port\n");
  });

  it("emptyDir: shared by containers (root or not), read-only where mounted so, tmpfs for Memory", async () => {
    const pod = await running("volumes", VOLUME_CONTAINERS);
    const writer = idOf(pod, "writer");
    const reader = idOf(pod, "reader");
    const msg = await waitFor(() => sh(reader, "cat /shared/msg 2>/dev/null || true"), {
      timeoutMs: 30_000,
      what: "the reader to see what the writer wrote",
      until: (out) => out !== "",
    });
    assert.equal(msg, "shared-hello\n");
    // The reader's mount is read-only: the engine refuses its writes.
    const refused = await execIn(docker, reader, ["touch", "/shared/from-reader"]);
    assert.notEqual(refused.exitCode, 0);
    assert.match(refused.output, /Read-only file system/);
    const readerInfo = await docker.getContainer(reader).inspect();
    assert.equal(readerInfo.Mounts.find((m) => m.Destination === "/shared")?.RW, false);
    // The writer may still write there, and so may a container that does not run as root.
    await sh(writer, "echo second > /shared/second");
    assert.equal(await sh(reader, "cat /shared/second"), "second\n");
    const nonroot = idOf(pod, "nonroot");
    assert.equal(await sh(nonroot, "id -u"), "1000\n");
    await sh(nonroot, "echo third > /shared/third");
    assert.equal(await sh(reader, "cat /shared/third"), "third\n");

    const writerInfo = await docker.getContainer(writer).inspect();
    const mem = writerInfo.HostConfig.Mounts?.find((m) => m.Target === "/mem");
    assert.equal(mem?.Type, "tmpfs");
    assert.equal(mem?.TmpfsOptions?.SizeBytes, 16 * 1024 * 1024);
    const mounts = await sh(writer, "grep ' /mem ' /proc/mounts");
    assert.match(mounts, /^tmpfs \/mem tmpfs rw,.*size=16384k/);
  });

  it("hostPath: subPath, DirectoryOrCreate (0755) and FileOrCreate (0644) are created on the host", async () => {
    assert.ok(agent);
    const host = agent.hostData;
    const pod = await running("volumes", VOLUME_CONTAINERS);
    const writer = idOf(pod, "writer");

    // subPath: made under the volume, inside the allowed root, and what is written lands there.
    const sub = path.join(host, "subroot/app/logs");
    assert.ok((await stat(sub)).isDirectory());
    assert.equal((await stat(sub)).mode & 0o777, 0o755);
    await sh(writer, "echo via-subpath > /sub/out.log");
    assert.equal(await readFile(path.join(sub, "out.log"), "utf8"), "via-subpath\n");
    // What the engine binds is the agent's pin of that directory (hostpaths/pin.ts).
    const writerInfo = await docker.getContainer(writer).inspect();
    const bound = writerInfo.Mounts.find((m) => m.Destination === "/sub")?.Source ?? "";
    assert.ok(bound.startsWith(`${agent.stateDir}/pins/`), `${bound} is a pin`);
    assert.equal(await readFile(path.join(bound, "out.log"), "utf8"), "via-subpath\n");

    // DirectoryOrCreate: every directory it made is 0755.
    for (const dir of ["made", "made/deeper"]) {
      const s = await stat(path.join(host, dir));
      assert.ok(s.isDirectory(), dir);
      assert.equal((s.mode & 0o777).toString(8), "755", dir);
    }
    await sh(writer, "echo made > /made/x");
    assert.equal(await readFile(path.join(host, "made/deeper/x"), "utf8"), "made\n");
    // …and the reader's readOnly mount of the same directory refuses writes.
    const refused = await execIn(docker, idOf(pod, "reader"), ["touch", "/made-ro/y"]);
    assert.notEqual(refused.exitCode, 0);
    assert.match(refused.output, /Read-only file system/);

    // FileOrCreate: an empty 0644 file, bound as a file.
    const created = await stat(path.join(host, "created.txt"));
    assert.ok(created.isFile());
    assert.equal((created.mode & 0o777).toString(8), "644");
    await sh(writer, "test -f /config/file.txt && echo into-file > /config/file.txt");
    assert.equal(await readFile(path.join(host, "created.txt"), "utf8"), "into-file\n");
  });

  it("workingDir, env from fieldRef and $(VAR) expansion in env and args", async () => {
    const pod = await running("env");
    const id = idOf(pod);
    const podName = pod.metadata?.name ?? "";
    assert.equal(pod.metadata?.namespace, NAMESPACE);
    assert.match(podName, /^env-features-/);
    const hostIP = pod.status?.hostIP ?? "";
    assert.match(hostIP, /^\d+\.\d+\.\d+\.\d+$/);

    assert.equal(await sh(id, "pwd"), "/work/here\n");
    assert.equal((await docker.getContainer(id).inspect()).Config.WorkingDir, "/work/here");

    const env = await sh(id, "env");
    for (const line of [
      `POD_NAME=${podName}`,
      `POD_NAMESPACE=${NAMESPACE}`,
      `HOST_IP=${hostIP}`,
      `GREETING=hello ${podName}`,
    ]) {
      assert.ok(env.split("\n").includes(line), `${line} in:\n${env}`);
    }
    // Each arg arrives as one word, expanded by the agent (not by a shell): an unknown
    // variable stays as written and $$ is a literal $.
    const args = await waitFor(() => sh(id, "cat /tmp/args"), {
      what: "the container to have written its args",
      until: (out) => out !== "",
    });
    assert.deepEqual(args.split("\n"), [
      podName,
      NAMESPACE,
      hostIP,
      `hello ${podName}`,
      "$(UNDEFINED)",
      "$(POD_NAME)",
      "",
    ]);
  });

  it("a DaemonSet-shaped manifest runs as pod <ds>-<node> with the template's labels", async () => {
    assert.ok(agent);
    const pod = await running("feature-ds");
    const name = `feature-ds-${agent.nodeName}`;
    assert.equal(pod.metadata?.name, name);
    assert.equal(pod.metadata?.namespace, NAMESPACE);
    assert.deepEqual(pod.metadata?.labels, { app: "feature-ds", tier: "node" });
    const info = await docker.getContainer(idOf(pod)).inspect();
    assert.equal(info.Config.Labels["io.daemonlet.pod-name"], name);
    assert.equal(info.Config.Labels["io.daemonlet.namespace"], NAMESPACE);
    assert.equal(info.State.Running, true);
  });

  it("restartPolicy Never: a container that exits 0 makes the pod Succeeded, never restarted", async () => {
    assert.ok(agent);
    const a = agent;
    const pod = await waitFor(async () => a.pod("never"), {
      timeoutMs: POD_TIMEOUT_MS,
      what: "pod never to be Succeeded",
      until: (p) => p.status?.phase === "Succeeded",
    });
    const status = statusOf(pod);
    assert.equal(status?.restartCount, 0);
    assert.equal(status?.state?.terminated?.exitCode, 0);
    assert.equal(status?.state?.terminated?.reason, "Completed");
    const name = `never-${a.nodeName}`;
    // Make every pod worker sync again (any manifest change does), and wait until the agent has
    // acted on that change, so "not restarted" is judged after a sync that saw the exit.
    await writeFile(
      path.join(a.manifests, "nudge.yaml"),
      podManifest(
        "nudge",
        `
terminationGracePeriodSeconds: 1
containers:
- {name: app, image: ${IMAGE}, command: ["sleep", "3600"]}
`,
      ),
    );
    await running("nudge");
    const containers = await nodeContainers(a.nodeName, name);
    assert.equal(containers.length, 1, "one container, never a second attempt");
    assert.equal(containers[0]?.State, "exited");
    assert.equal(containers[0]?.Labels["io.daemonlet.attempt"], "0");
    const after = await a.pod("never");
    assert.equal(after?.status?.phase, "Succeeded");
    assert.equal(statusOf(after)?.restartCount, 0);
    const restarts = a.logs.filter(
      (l) => l.message === "starting container" && l.pod === `default/${name}`,
    );
    assert.equal(restarts.length, 1, JSON.stringify(restarts));
  });

  it("terminationGracePeriodSeconds: on removal the container gets TERM and time to finish", async () => {
    assert.ok(agent);
    const a = agent;
    const marker = path.join(a.hostData, "grace/state");
    await running("graceful");
    // The trap is set before "started" is written: from here on TERM is handled.
    await waitFor(() => readFile(marker, "utf8").catch(() => ""), {
      timeoutMs: 30_000,
      what: "the graceful container to have set its TERM trap",
      until: (text) => text === "started\n",
    });
    const name = `graceful-${a.nodeName}`;
    const mark = a.logs.length;
    await rm(path.join(a.manifests, "graceful.yaml"));
    await waitFor(async () => (await nodeContainers(a.nodeName, name)).length === 0, {
      timeoutMs: 60_000,
      what: "the graceful pod's container to be gone",
    });
    // It finished its trap (2 s of work) instead of being killed at once.
    assert.equal(await readFile(marker, "utf8"), "started\nterm\nfinished\n");
    const stopping = a.logs
      .slice(mark)
      .find((l) => l.message === "stopping container" && l.pod === `default/${name}`);
    assert.equal(stopping?.gracePeriodSeconds, 20);
    assert.equal(stopping?.reason, "pod removed");
  });
});

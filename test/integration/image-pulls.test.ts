import { after, afterEach, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import Docker from "dockerode";
import type { ContainerStatus, ContainerStateWaiting } from "kubernetes-types/core/v1.js";
import { AgentProcess } from "../support/agent-process.js";
import { removeNodeContainers } from "../support/docker-cleanup.js";
import { TestRegistry } from "../support/registry.js";
import { TcpGate } from "../support/tcp-gate.js";
import { waitFor } from "../support/wait.js";

const docker = new Docker();
const SOURCE_IMAGE = "busybox:1.36";
const PULL_DEADLINE_MS = 30_000;

function podManifest(name: string, image: string, policy: string): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: app
    image: "${image}"
    imagePullPolicy: ${policy}
    command: ["sleep", "3600"]
`;
}

async function imagePresent(ref: string): Promise<boolean> {
  try {
    await docker.getImage(ref).inspect();
    return true;
  } catch (e) {
    if (typeof e === "object" && e !== null && "statusCode" in e && e.statusCode === 404) {
      return false;
    }
    throw e;
  }
}

/** Untags `ref` locally (the content stays, shared with the source image). */
async function removeLocally(ref: string): Promise<void> {
  if (await imagePresent(ref)) await docker.getImage(ref).remove();
  assert.equal(await imagePresent(ref), false, `${ref} is gone locally`);
}

async function tagLocally(ref: string): Promise<void> {
  const colon = ref.lastIndexOf(":");
  await docker.getImage(SOURCE_IMAGE).tag({ repo: ref.slice(0, colon), tag: ref.slice(colon + 1) });
}

const b64 = (s: string) => Buffer.from(s).toString("base64");

describe("image pulls from a real registry", () => {
  let registry: TestRegistry;
  let agent: AgentProcess;
  let authDir: string;
  let authFile: string;
  let image: string;

  /** Writes the node's auth file with these credentials for each registry host. */
  const writeAuth = (hosts: string[], password = registry.password) =>
    writeFile(
      authFile,
      JSON.stringify({
        auths: Object.fromEntries(
          hosts.map((h) => [h, { auth: b64(`${registry.username}:${password}`) }]),
        ),
      }),
    );

  const writePod = (name: string, ref: string, policy: string) =>
    writeFile(path.join(agent.manifests, `${name}.yaml`), podManifest(name, ref, policy));

  const status = async (name: string): Promise<ContainerStatus | undefined> =>
    (await agent.pod(name))?.status?.containerStatuses?.find((c) => c.name === "app");

  const waitRunning = (name: string) =>
    waitFor(async () => status(name), {
      timeoutMs: PULL_DEADLINE_MS,
      what: `pod ${name} to be running`,
      until: (s) => s.state?.running !== undefined,
    });

  // ErrImagePull shows for a moment between a failed pull and its back-off: long enough a
  // deadline to see it again at the next retries, should a busy machine miss the first one.
  const waitWaiting = (name: string, reason: string) =>
    waitFor(async () => (await status(name))?.state?.waiting, {
      timeoutMs: 2 * PULL_DEADLINE_MS,
      what: `pod ${name} waiting with ${reason}`,
      until: (w: ContainerStateWaiting) => w.reason === reason,
    });

  // A pull that fails at once (a bad auth file, a refused connection) is ErrImagePull only until
  // its back-off starts, too short for a poll on a busy machine; the back-off keeps the error.
  const waitPullFailed = (name: string) =>
    waitFor(async () => (await status(name))?.state?.waiting, {
      timeoutMs: 2 * PULL_DEADLINE_MS,
      what: `pod ${name} waiting with ErrImagePull or ImagePullBackOff`,
      until: (w: ContainerStateWaiting) =>
        w.reason === "ErrImagePull" || w.reason === "ImagePullBackOff",
    });

  const nodeFilter = () => ({ label: [`io.daemonlet.node=${agent.nodeName}`] });

  /** The agent's log lines with this message for this pod. */
  const logsOf = (message: string, name: string) =>
    agent.logs.filter(
      (l) => l.message === message && l.pod === `default/${name}-${agent.nodeName}`,
    );

  before(async () => {
    registry = await TestRegistry.start();
    image = await registry.push(SOURCE_IMAGE, "test/busybox:1");
    authDir = await mkdtemp(path.join(os.tmpdir(), "daemonlet-pull-auth-"));
    authFile = path.join(authDir, "registry-auth.json");
    await writeAuth([registry.host]);
    agent = await AgentProcess.create("pulls", ["--registry-auth-file", authFile]);
    await agent.start();
  });

  afterEach(async () => {
    for (const f of await readdir(agent.manifests)) await rm(path.join(agent.manifests, f));
    await writeAuth([registry.host]);
    await waitFor(
      async () => (await docker.listContainers({ all: true, filters: nodeFilter() })).length === 0,
      { timeoutMs: 60_000, what: "the test's containers to be removed by the agent" },
    ).catch(async (err: unknown) => {
      await removeNodeContainers(agent.nodeName);
      throw err;
    });
  });

  after(async () => {
    await agent?.dispose();
    if (agent) await removeNodeContainers(agent.nodeName);
    await registry?.dispose();
    if (authDir) await rm(authDir, { recursive: true, force: true });
  });

  it("IfNotPresent pulls an absent image with the node's credentials and runs it", async () => {
    await removeLocally(image);
    await writePod("fresh", image, "IfNotPresent");
    const running = await waitRunning("fresh");
    assert.equal(running.image, image);
    assert.ok(await imagePresent(image), "the image is here after the pull");
    const [pulling] = logsOf("pulling image", "fresh");
    assert.equal(pulling?.image, image);
    assert.equal(pulling?.authenticated, true);
    assert.equal(logsOf("pulled image", "fresh").length, 1);
  });

  it("IfNotPresent does not pull an image that is here", async () => {
    await tagLocally(image);
    await writePod("present", image, "IfNotPresent");
    await waitRunning("present");
    assert.deepEqual(logsOf("pulling image", "present"), []);
  });

  it("Always pulls though the image is here, and again at each restart", async () => {
    await tagLocally(image);
    await writePod("always", image, "Always");
    const first = await waitRunning("always");
    assert.equal(logsOf("pulled image", "always").length, 1);
    const id = first.containerID?.replace("docker://", "") ?? "";
    await docker.getContainer(id).kill({ signal: "SIGKILL" });
    await waitFor(async () => status("always"), {
      timeoutMs: PULL_DEADLINE_MS,
      what: "the restarted container to run",
      until: (s) => s.restartCount === 1 && s.state?.running !== undefined,
    });
    assert.equal(logsOf("pulled image", "always").length, 2);
  });

  it("shows Pulling image in the pod status while the pull is under way", async () => {
    const gate = await TcpGate.create(registry.port);
    try {
      const gated = `127.0.0.1:${gate.port}/test/busybox:1`;
      await writeAuth([registry.host, `127.0.0.1:${gate.port}`]);
      await writePod("gated", gated, "IfNotPresent");
      const waiting = await waitWaiting("gated", "ContainerCreating");
      assert.equal(waiting.message, `Pulling image "${gated}"`);
      // The status says "Pulling" as the agent asks the engine, a moment before the engine dials.
      await waitFor(() => gate.accepted, {
        timeoutMs: PULL_DEADLINE_MS,
        what: "the engine to talk to the registry",
        until: (n) => n > 0,
      });
      gate.open();
      await waitRunning("gated");
      // The gate's name is not the registry's: the registry's clean-up would not find this tag.
      await removeLocally(gated);
    } finally {
      await gate.dispose();
    }
  });

  it("a missing image is ErrImagePull, then ImagePullBackOff, with the registry's words", async () => {
    const missing = registry.ref("test/busybox:absent");
    await writePod("missing", missing, "IfNotPresent");
    const failed = await waitWaiting("missing", "ErrImagePull");
    assert.match(
      failed.message ?? "",
      /^failed to pull image "127\.0\.0\.1:\d+\/test\/busybox:absent": /,
    );
    assert.match(failed.message ?? "", /manifest unknown/);
    const held = await waitWaiting("missing", "ImagePullBackOff");
    assert.equal(held.message, failed.message);
    const pod = await agent.pod("missing");
    assert.equal(pod?.status?.phase, "Pending");
    const containers = await docker.listContainers({ all: true, filters: nodeFilter() });
    assert.deepEqual(containers, [], "no container without its image");
  });

  it("uses rotated credentials at the next pull, without an agent restart", async () => {
    await removeLocally(image);
    await writeAuth([registry.host], "wrong-password");
    await writePod("rotated", image, "IfNotPresent");
    const refused = await waitWaiting("rotated", "ErrImagePull");
    assert.match(refused.message ?? "", /unauthorized/);
    await writeAuth([registry.host]);
    await waitRunning("rotated");
  });

  it("a malformed auth file fails the pull with an error naming the file", async () => {
    await removeLocally(image);
    await writeFile(authFile, "{not json");
    await writePod("badauth", image, "IfNotPresent");
    const failed = await waitPullFailed("badauth");
    assert.ok(failed.message?.includes(`registry auth file ${authFile}: not JSON`), failed.message);
  });

  it("a registry that is down is ErrImagePull with connection refused", async () => {
    const dead = await TestRegistry.start();
    try {
      await dead.stop();
      await writePod("dead", dead.ref("test/busybox:1"), "IfNotPresent");
      const failed = await waitPullFailed("dead");
      assert.match(failed.message ?? "", /connection refused/);
    } finally {
      await dead.dispose();
    }
  });

  it("Never with the image absent is ErrImageNeverPull, and nothing is pulled", async () => {
    await removeLocally(image);
    await writePod("never", image, "Never");
    const waiting = await waitWaiting("never", "ErrImageNeverPull");
    assert.equal(
      waiting.message,
      `Container image "${image}" is not present with pull policy of Never`,
    );
    assert.deepEqual(logsOf("pulling image", "never"), []);
    assert.equal(await imagePresent(image), false);
  });
});

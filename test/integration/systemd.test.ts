// daemonlet installed like infrastructure, for real: a Debian container with systemd as PID 1,
// install.sh for the hub and the agent, Type=notify, restart after SIGKILL without touching a
// container, the watchdog restarting a stopped agent, `systemctl stop` leaving pods running, and
// --uninstall. The pods run on the host's engine; everything is removed afterwards.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import { promisify } from "node:util";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import Docker from "dockerode";
import type { Node } from "kubernetes-types/core/v1.js";
import { LABEL } from "../../agent/runtime/labels.js";
import { REPO } from "../support/cli-process.js";
import { removeNodeContainers } from "../support/docker-cleanup.js";
import { freePort } from "../support/free-port.js";
import { SystemdContainer, systemdImage } from "../support/systemd/systemd-container.js";
import { waitFor } from "../support/wait.js";

const docker = new Docker();
const run = promisify(execFile);
const AGENT = "daemonlet-agent.service";
const HUB = "daemonlet-hub.service";
const SLEEPER = `apiVersion: v1
kind: Pod
metadata: {name: sleeper, namespace: default}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - {name: main, image: busybox:1.36, command: [sleep, "3600"]}
`;

describe("systemd units and install.sh in a systemd container", () => {
  let box: SystemdContainer | undefined;
  const nodeName = `sd-${process.pid}-${Math.random().toString(36).slice(2, 7)}`;
  let agentPort = 0;
  let releaseDir: string | undefined;

  const sleeperContainers = async () =>
    (await docker.listContainers({ filters: { label: [`${LABEL.node}=${nodeName}`] } })).map(
      (c) => c.Id,
    );
  const startedAt = async (id: string) => (await docker.getContainer(id).inspect()).State.StartedAt;
  const mainPid = () => box!.unitProperty(AGENT, "MainPID");
  const restartedFrom = (pid: string) =>
    waitFor(
      async () => {
        const [active, now] = [await box!.unitProperty(AGENT, "ActiveState"), await mainPid()];
        return active === "active" && now !== "0" && now !== pid ? now : undefined;
      },
      { what: "systemd to restart the agent", timeoutMs: 60_000 },
    );

  before(async () => {
    assert.ok(existsSync(path.join(REPO, "dist/bundle/main.js")), "build first (npm ci runs it)");
    box = await SystemdContainer.start(await systemdImage());
    releaseDir = await mkdtemp(path.join(os.tmpdir(), "daemonlet-release-"));
    agentPort = await freePort();
  });

  after(async () => {
    await box?.remove();
    await removeNodeContainers(nodeName);
    if (releaseDir) await rm(releaseDir, { recursive: true, force: true });
  });

  it("installs the hub from a release tarball: Type=notify, ready once its ports listen", async () => {
    const apiPort = await freePort();
    const made = await run("bash", [path.join(REPO, "systemd/make-release.sh"), releaseDir!], {
      timeout: 300_000,
    });
    await box!.copyIn(made.stdout.trim(), "/tmp/release.tar.gz");
    const out = await box!.ok([
      "bash",
      "/src/systemd/install.sh",
      "--role",
      "hub",
      "--from",
      "/tmp/release.tar.gz",
      "--listen",
      `127.0.0.1:${agentPort}`,
      "--api-listen",
      `127.0.0.1:${apiPort}`,
    ]);
    assert.match(out, /daemonlet hub installed/);
    assert.equal((await box!.exec(["systemctl", "is-active", HUB])).stdout.trim(), "active");
    assert.match(await box!.unitProperty(HUB, "StatusText"), /serving agents on port/);
  });

  it("installs the agent with a join token; it joins, and is ready once its static pod runs", async () => {
    const join = (await box!.ok(["daemonlet", "token", "create", "--ttl", "10m"])).trim();
    assert.match(join, /@sha256:/);
    await box!.writeFile("/etc/daemonlet/manifests/sleeper.yaml", SLEEPER);
    // A short watchdog for the test, in a drop-in beside install.sh's.
    await box!.writeFile(
      `/etc/systemd/system/${AGENT}.d/zz-test-watchdog.conf`,
      "[Service]\nWatchdogSec=4s\nTimeoutAbortSec=2s\n",
    );
    const args = [
      "bash",
      "/src/systemd/install.sh",
      "--hub",
      `wss://127.0.0.1:${agentPort}`,
      "--join-token",
      join,
      "--node-name",
      nodeName,
      "--labels",
      "site=lab,rack=r1",
      "--taints",
      "dedicated=infra:NoSchedule",
      "--allowed-host-paths",
      "/var/log,/srv",
      // The box shares the host's network: the default metrics port may be taken there.
      "--metrics-listen",
      `127.0.0.1:${await freePort()}`,
    ];
    const installed = await box!.exec(args);
    assert.equal(installed.code, 0, `${installed.stderr}\n${await box!.journal(AGENT)}`);
    assert.match(installed.stdout, /daemonlet agent installed/);
    assert.equal((await box!.exec(["systemctl", "is-active", AGENT])).stdout.trim(), "active");
    // Type=notify: `systemctl start` returned after READY, which waits for the static pod.
    assert.equal((await sleeperContainers()).length, 1, await box!.journal(AGENT));
    assert.match(await box!.ok(["stat", "-c", "%a", "/var/lib/daemonlet/hub-credential"]), /^600/);

    const node = await waitFor(
      async () =>
        JSON.parse(await box!.ok(["daemonlet", "get", "nodes", nodeName, "-o", "json"])) as Node,
      {
        what: "the node Ready at the hub",
        timeoutMs: 30_000,
        until: (n) =>
          n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false,
      },
    );
    assert.equal(node.metadata?.labels?.["site"], "lab");
    assert.deepEqual(node.spec?.taints, [
      { key: "dedicated", value: "infra", effect: "NoSchedule" },
    ]);

    // The unit's main process is node itself, with the unit's V8 flags: env exec'd it.
    const pid = await mainPid();
    const cmdline = (await box!.ok(["cat", `/proc/${pid}/cmdline`])).split("\0");
    assert.deepEqual(cmdline.slice(1, 5), [
      "--max-opt=0",
      "--bytecode-old-age=1",
      "/usr/local/bin/daemonlet",
      "agent",
    ]);

    // Run again with the same flags: nothing changed, nothing restarts.
    await box!.ok(args);
    assert.equal(await mainPid(), pid);
  });

  it("restarts a SIGKILLed agent and no container restarts", async () => {
    const [id] = await sleeperContainers();
    assert.ok(id);
    const before = await startedAt(id);
    const pid = await mainPid();
    await box!.ok(["bash", "-c", `kill -9 ${pid}`]);
    await restartedFrom(pid);
    await waitFor(async () => (await box!.ok(["daemonlet", "node", "pods"])).includes("Running"), {
      what: "the restarted agent to report its pod",
      timeoutMs: 30_000,
    });
    assert.deepEqual(await sleeperContainers(), [id]);
    assert.equal(await startedAt(id), before);
  });

  it("restarts an agent that stops feeding the watchdog (SIGSTOP)", async () => {
    const [id] = await sleeperContainers();
    const pid = await mainPid();
    await box!.ok(["bash", "-c", `kill -STOP ${pid}`]);
    await restartedFrom(pid);
    assert.match(await box!.journal(AGENT), /Watchdog timeout/);
    assert.deepEqual(await sleeperContainers(), [id]);
  });

  it("systemctl stop leaves the pods running; --uninstall removes the unit, not the pods", async () => {
    const containers = await sleeperContainers();
    await box!.ok(["systemctl", "stop", AGENT]);
    assert.equal((await box!.exec(["systemctl", "is-active", AGENT])).stdout.trim(), "inactive");
    assert.deepEqual(await sleeperContainers(), containers);

    const out = await box!.ok(["bash", "/src/systemd/install.sh", "--uninstall"]);
    assert.match(out, /pods keep running/);
    assert.notEqual((await box!.exec(["systemctl", "cat", AGENT])).code, 0);
    assert.deepEqual(await sleeperContainers(), containers);
  });
});

// `daemonlet node logs` end to end: a real agent process running static pods on the engine, and
// the real CLI asking it over the local API socket, as an operator on the host would.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import Docker from "dockerode";
import type { Pod } from "kubernetes-types/core/v1.js";
import { AgentProcess } from "../support/agent-process.js";
import { REPO } from "../support/cli-process.js";
import { daemonlet } from "../support/cli-run.js";
import { removeNodeContainers } from "../support/docker-cleanup.js";
import { execIn } from "../support/docker-exec.js";
import { waitFor } from "../support/wait.js";

const IMAGE = "busybox:1.36";
// Only to act on containers from outside, as an operator or a crash would.
const docker = new Docker();

/** A `daemonlet …` process left running (a follow), its output readable as it arrives. */
class RunningCli {
  stdout = "";
  stderr = "";
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(args: string[]) {
    this.child = spawn(
      process.execPath,
      ["--import", "tsx", path.join(REPO, "cli/main.ts"), ...args],
      {
        cwd: REPO,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    this.child.stdout?.on("data", (chunk: Buffer) => (this.stdout += chunk.toString()));
    this.child.stderr?.on("data", (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.once("exit", (code) => resolve(code)));
  }

  isRunning(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  kill(signal: NodeJS.Signals): void {
    if (this.isRunning()) this.child.kill(signal);
  }
}

function containerId(pod: Pod | undefined, name: string): string | undefined {
  const status = pod?.status?.containerStatuses?.find((s) => s.name === name);
  return status?.state?.running ? status.containerID?.replace("docker://", "") : undefined;
}

describe("daemonlet node logs", () => {
  let agent: AgentProcess;
  const clis = new Set<RunningCli>();
  const podName = (name: string) => `${name}-${agent.nodeName}`;
  const logs = (...args: string[]) =>
    daemonlet(["node", "logs", ...args, "--state-dir", agent.stateDir]);
  const follow = (...args: string[]) => {
    const cli = new RunningCli(["node", "logs", "-f", ...args, "--state-dir", agent.stateDir]);
    clis.add(cli);
    return cli;
  };
  /** Waits until the CLI prints exactly this, so output still being written is not a failure. */
  const logsSettle = (expected: string, ...args: string[]) =>
    waitFor(() => logs(...args), {
      what: `node logs ${args.join(" ")} to print ${JSON.stringify(expected)}`,
      timeoutMs: 30_000,
      until: (r) => r.code === 0 && r.stdout === expected,
    });
  const running = (name: string, container: string) =>
    waitFor(async () => containerId(await agent.pod(name), container), {
      what: `container ${container} of ${name} to run`,
      timeoutMs: 30_000,
    });

  before(async () => {
    agent = await AgentProcess.create("logs");
    await writeFile(
      path.join(agent.manifests, "talk.yaml"),
      `apiVersion: v1
kind: Pod
metadata: {name: talk}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: app
    image: ${IMAGE}
    command: ["sh", "-c", "echo out1; echo err1 >&2; echo out2; exec sleep 3600"]
  - name: side
    image: ${IMAGE}
    command: ["sh", "-c", "echo side1; echo side2; exec sleep 3600"]
`,
    );
    // Each run prints its own container's short id (its hostname), so attempts tell apart.
    await writeFile(
      path.join(agent.manifests, "restarts.yaml"),
      `apiVersion: v1
kind: Pod
metadata: {name: restarts}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: app
    image: ${IMAGE}
    command: ["sh", "-c", "echo run $(hostname); exec sleep 3600"]
`,
    );
    await writeFile(
      path.join(agent.manifests, "quiet.yaml"),
      `apiVersion: v1
kind: Pod
metadata: {name: quiet}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - name: app
    image: ${IMAGE}
    command: ["sh", "-c", "echo ready; exec sleep 3600"]
`,
    );
    await agent.start();
    await running("quiet", "app");
    await running("talk", "app");
    await running("talk", "side");
    await running("restarts", "app");
  });

  after(async () => {
    for (const cli of clis) {
      cli.kill("SIGKILL");
      await cli.exited;
    }
    await agent.dispose();
    await removeNodeContainers(agent.nodeName);
  });

  it("prints a container's stdout to stdout and its stderr to stderr", async () => {
    const result = await logsSettle("out1\nout2\n", podName("talk"), "-c", "app");
    assert.equal(result.stderr, "err1\n");
  });

  it("starts --tail lines from the end and adds --timestamps", async () => {
    // A container writing to one stream only: across two, the engine's order is not the written one.
    await logsSettle("side1\nside2\n", podName("talk"), "-c", "side");
    const tail = await logs(podName("talk"), "-c", "side", "--tail", "1");
    assert.deepEqual(tail, { stdout: "side2\n", stderr: "", code: 0 });
    await logsSettle("out1\nout2\n", podName("talk"), "-c", "app");
    const stamped = await logs(podName("talk"), "-c", "app", "--timestamps");
    assert.match(stamped.stdout, /^\S+Z out1\n\S+Z out2\n$/);
    assert.match(stamped.stderr, /^\S+Z err1\n$/);
  });

  it("reads the container -c names, and asks for one when the pod has several", async () => {
    await logsSettle("side1\nside2\n", podName("talk"), "-c", "side");
    assert.deepEqual(await logs(podName("talk")), {
      stdout: "",
      stderr: `error: a container name must be specified for pod ${podName("talk")}, choose one of: [app side]\n`,
      code: 1,
    });
  });

  it("says so, in kubectl's words, when the pod or container is not there", async () => {
    assert.deepEqual(await logs("nope"), {
      stdout: "",
      stderr: 'error: pods "nope" not found\n',
      code: 1,
    });
    const wrongContainer = await logs(podName("talk"), "-c", "db");
    assert.equal(
      wrongContainer.stderr,
      `error: container db is not valid for pod ${podName("talk")}\n`,
    );
    assert.equal(wrongContainer.code, 1);
  });

  it("reads --previous after the agent restarted a container killed from outside", async () => {
    const pod = podName("restarts");
    const first = await running("restarts", "app");
    const firstRun = `run ${first.slice(0, 12)}\n`;
    await logsSettle(firstRun, pod);
    assert.deepEqual(await logs(pod, "--previous"), {
      stdout: "",
      stderr: `error: previous terminated container "app" in pod "${pod}" not found\n`,
      code: 1,
    });
    // A follow ends by itself, successfully, when its container stops.
    const following = follow(pod);
    await waitFor(() => following.stdout === firstRun, { what: "the follow to print the run" });
    await docker.getContainer(first).kill({ signal: "SIGKILL" });
    assert.equal(await following.exited, 0);
    const second = await waitFor(async () => containerId(await agent.pod("restarts"), "app"), {
      what: "the agent to restart the container",
      timeoutMs: 30_000,
      until: (id) => id !== first,
    });
    assert.deepEqual(await logs(pod, "-p"), { stdout: firstRun, stderr: "", code: 0 });
    await logsSettle(`run ${second.slice(0, 12)}\n`, pod);
  });

  it("follows with -f: prints a line written after it started, and ends on a signal", async () => {
    const id = await running("quiet", "app");
    const following = follow(podName("quiet"));
    // The line already written arrives over the stream the follow keeps open.
    await waitFor(() => following.stdout === "ready\n", { what: "the follow to be in place" });
    await execIn(docker, id, ["sh", "-c", "echo late > /proc/1/fd/1"]);
    await waitFor(() => following.stdout === "ready\nlate\n", { what: "the late line" });
    assert.ok(following.isRunning(), "a follow keeps going while the container runs");
    following.kill("SIGTERM");
    assert.equal(await following.exited, 0);
    assert.equal(following.stderr, "");
  });
});

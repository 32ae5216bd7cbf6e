// DockerRuntime.logs against the real engine: what Docker frames (or, with a TTY, does not),
// --tail and --timestamps, following until the container stops, and aborting a follow. Every
// container carries this run's node label and is removed in after(), pass or fail.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import Docker from "dockerode";
import { DockerRuntime } from "../../agent/runtime/docker-runtime.js";
import { LABEL } from "../../agent/runtime/labels.js";
import type { ContainerSpec, LogOptions, LogStream } from "../../agent/runtime/runtime.js";
import { isContainerNotFoundError } from "../../agent/runtime/runtime-errors.js";
import { removeNodeContainers } from "../support/docker-cleanup.js";
import { testContainerSpec } from "../support/container-spec.js";
import { execIn } from "../support/docker-exec.js";
import { waitFor } from "../support/wait.js";

const IMAGE = "busybox:1.36";
const node = `test-logs-${process.pid}`;
const rt = new DockerRuntime();
// Only to act on a container from outside (exec), never to stand in for the runtime.
const docker = new Docker({ socketPath: "/var/run/docker.sock" });
function spec(script: string, tty = false): ContainerSpec {
  return testContainerSpec(node, {
    image: IMAGE,
    entrypoint: ["sh", "-c"],
    cmd: [script],
    tty,
    labels: { [LABEL.gracePeriod]: "1" },
  });
}

async function run(script: string, tty = false): Promise<string> {
  const id = await rt.create(spec(script, tty));
  await rt.start(id);
  return id;
}

async function exited(id: string): Promise<void> {
  await waitFor(async () => (await rt.inspect(id))?.state === "exited", {
    what: `container ${id} to exit`,
    timeoutMs: 15_000,
  });
}

/** Collects a logs call's output per stream, readable while the call still runs. */
function collect(id: string, opts: Partial<LogOptions> = {}) {
  const out: Record<LogStream, string> = { stdout: "", stderr: "" };
  const done = rt.logs(
    id,
    { follow: false, timestamps: false, signal: new AbortController().signal, ...opts },
    (stream, data) => (out[stream] += data.toString()),
  );
  return { out, done };
}

async function logsOf(id: string, opts: Partial<LogOptions> = {}) {
  const { out, done } = collect(id, opts);
  await done;
  return out;
}

before(async () => {
  assert.ok(await rt.imagePresent(IMAGE), `${IMAGE} missing`);
});

after(async () => {
  await removeNodeContainers(node);
});

describe("DockerRuntime.logs", () => {
  test("splits Docker's framed output into stdout and stderr", async () => {
    const id = await run("echo out1; echo err1 >&2; echo out2");
    await exited(id);
    assert.deepEqual(await logsOf(id), { stdout: "out1\nout2\n", stderr: "err1\n" });
  });

  // One stream only: Docker reads stdout and stderr from separate pipes, so how lines of the two
  // interleave in its log (and so which are the last) is not the order they were written in.
  test("starts that many lines from the end", async () => {
    const id = await run("echo one; echo two; echo three");
    await exited(id);
    assert.deepEqual(await logsOf(id, { tail: 2 }), { stdout: "two\nthree\n", stderr: "" });
    assert.deepEqual(await logsOf(id, { tail: 0 }), { stdout: "", stderr: "" });
  });

  test("prefixes each line with the engine's timestamp", async () => {
    const id = await run("echo stamped");
    await exited(id);
    const { stdout } = await logsOf(id, { timestamps: true });
    assert.match(stdout, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z stamped\n$/);
  });

  test("passes a TTY container's output through raw, as stdout", async () => {
    const id = await run("echo on a tty; echo also >&2", true);
    await exited(id);
    assert.deepEqual(await logsOf(id), { stdout: "on a tty\r\nalso\r\n", stderr: "" });
  });

  test("follows until the container stops", async () => {
    const id = await run("echo waiting; while [ ! -e /tmp/go ]; do sleep 0.1; done; echo bye");
    const { out, done } = collect(id, { follow: true });
    await waitFor(() => out.stdout === "waiting\n", { what: "the first line" });
    await execIn(docker, id, ["touch", "/tmp/go"]);
    await done;
    assert.equal(out.stdout, "waiting\nbye\n");
  });

  test("stops following when the signal aborts, with the container still running", async () => {
    const id = await run("echo up; exec sleep 3600");
    const abort = new AbortController();
    const { out, done } = collect(id, { follow: true, signal: abort.signal });
    await waitFor(() => out.stdout === "up\n", { what: "the first line" });
    abort.abort();
    await done;
    assert.equal((await rt.inspect(id))?.state, "running");
  });

  test("says which container is gone", async () => {
    const id = await run("true");
    await exited(id);
    await rt.remove(id);
    await assert.rejects(logsOf(id), (error: unknown) => {
      assert.ok(isContainerNotFoundError(error));
      assert.equal(error.containerId, id);
      return true;
    });
  });
});

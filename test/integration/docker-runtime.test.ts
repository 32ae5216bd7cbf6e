// DockerRuntime against the real engine and the local busybox image (scripts/build-images.sh).
// Every container carries this run's node label and is removed in after(), pass or fail.
import assert from "node:assert/strict";
import { chmod, mkdtemp, readFile, rm, writeFile, access } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import Docker from "dockerode";
import { DockerRuntime } from "../../agent/runtime/docker-runtime.js";
import { LABEL } from "../../agent/runtime/labels.js";
import type { ContainerSpec, RuntimeEvent } from "../../agent/runtime/runtime.js";
import {
  isContainerNotFoundError,
  isImageNotFoundError,
  isImagePullError,
  isRuntimeError,
  isRuntimeUnavailableError,
} from "../../agent/runtime/runtime-errors.js";
import { removeNodeContainers } from "../support/docker-cleanup.js";
import { EngineProxy } from "../support/engine-proxy.js";
import { testContainerSpec } from "../support/container-spec.js";
import { waitFor } from "../support/wait.js";
import { freePort } from "../support/free-port.js";

const IMAGE = "daemonlet.test/busybox:1";
const node = `test-docker-${process.pid}`;
const otherNode = `${node}-other`;
const rt = new DockerRuntime();
// Only to read back what the engine did (HostConfig, files); never to stand in for the runtime.
const docker = new Docker({ socketPath: "/var/run/docker.sock" });
const dirs: string[] = [];

function spec(overrides: Partial<ContainerSpec> & { nodeLabel?: string } = {}): ContainerSpec {
  const { nodeLabel = node, ...rest } = overrides;
  return testContainerSpec(nodeLabel, { image: IMAGE, ...rest });
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "daemonlet-rt-"));
  await chmod(dir, 0o777); // the container runs as uid 1000
  dirs.push(dir);
  return dir;
}

async function exitedState(id: string) {
  return waitFor(
    async () => {
      const o = await rt.inspect(id);
      return o?.state === "exited" ? o : undefined;
    },
    { what: `container ${id} to exit`, timeoutMs: 15_000 },
  );
}

before(async () => {
  assert.ok(await rt.imagePresent(IMAGE), `${IMAGE} missing: run scripts/build-images.sh`);
});

after(async () => {
  await removeNodeContainers(node);
  await removeNodeContainers(otherNode);
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

/**
 * The engine registers an event subscription a moment after it answers: starts a marker container
 * until its event shows in `seen`.
 */
async function eventStreamDelivering(seen: RuntimeEvent[]): Promise<void> {
  const marker = await rt.create(spec({ cmd: ["true"] }));
  await waitFor(
    async () => {
      await rt.start(marker);
      return seen.some((e) => e.kind === "container" && e.containerId === marker);
    },
    { what: "the event stream to deliver anything" },
  );
}

describe("DockerRuntime", () => {
  test("version names the engine", async () => {
    assert.match(await rt.version(), /^docker:\/\/\d+\.\d+/);
  });

  test("imagePresent is true for the test image and false for an unknown one", async () => {
    assert.equal(await rt.imagePresent(IMAGE), true);
    assert.equal(await rt.imagePresent("daemonlet.test/absent:0"), false);
  });

  test("runs a labelled container with mounts, env, user, caps, limits and a host port", async () => {
    const rw = await tempDir();
    const ro = await tempDir();
    await writeFile(join(ro, "index.html"), "served\n");
    const port = await freePort();
    const script = [
      "id -u > /rw/uid",
      "echo $GREETING > /rw/env",
      "grep CapBnd /proc/self/status > /rw/cap",
      "if touch /ro/x 2>/dev/null; then echo writable; else echo readonly; fi > /rw/ro",
      "grep ' /scratch ' /proc/mounts > /rw/tmpfs",
      "exec httpd -f -p 8080 -h /ro",
    ].join("; ");
    const s = spec({
      entrypoint: ["sh", "-c"],
      cmd: [script],
      env: ["GREETING=hello there"],
      user: "1000:1000",
      capDrop: ["NET_RAW"],
      nanoCpus: 500_000_000,
      memoryBytes: 64 * 1024 * 1024,
      ports: [{ containerPort: 8080, protocol: "TCP", hostPort: port, hostIP: "127.0.0.1" }],
      mounts: [
        { type: "bind", source: rw, target: "/rw", readOnly: false },
        { type: "bind", source: ro, target: "/ro", readOnly: true, propagation: "rprivate" },
        { type: "tmpfs", target: "/scratch", readOnly: false, sizeBytes: 1024 * 1024 },
      ],
    });
    const id = await rt.create(s);
    await rt.start(id);

    const body = await waitFor(
      async () => {
        const res = await fetch(`http://127.0.0.1:${port}/index.html`);
        return res.ok ? res.text() : undefined;
      },
      { what: `httpd on 127.0.0.1:${port}` },
    );
    assert.equal(body, "served\n");
    assert.equal((await readFile(join(rw, "uid"), "utf8")).trim(), "1000");
    assert.equal((await readFile(join(rw, "env"), "utf8")).trim(), "hello there");
    assert.equal((await readFile(join(rw, "ro"), "utf8")).trim(), "readonly");
    await assert.rejects(access(join(ro, "x")), "nothing was written through the read-only mount");
    assert.match(await readFile(join(rw, "tmpfs"), "utf8"), /tmpfs \/scratch tmpfs .*size=1024k/);
    const capBnd = BigInt(`0x${(await readFile(join(rw, "cap"), "utf8")).split(/\s+/)[1]}`);
    assert.equal(capBnd & (1n << 13n), 0n, "CAP_NET_RAW (bit 13) is not in the bounding set");

    const raw = await docker.getContainer(id).inspect();
    assert.equal(raw.HostConfig.Memory, 64 * 1024 * 1024);
    assert.equal(raw.HostConfig.NanoCpus, 500_000_000);
    assert.deepEqual(raw.HostConfig.CapDrop, ["NET_RAW"]);
    assert.equal(raw.HostConfig.RestartPolicy?.Name, "no");
    assert.equal(raw.Config.User, "1000:1000");
    assert.deepEqual(raw.HostConfig.PortBindings, {
      "8080/tcp": [{ HostIp: "127.0.0.1", HostPort: String(port) }],
    });

    const listed = await rt.list({ node });
    const mine = listed.find((c) => c.id === id);
    assert.ok(mine, "list finds the container by its node label");
    assert.equal(mine.state, "running");
    assert.equal(mine.name, s.name);
    assert.equal(mine.podUid, s.labels[LABEL.podUid]);
    assert.equal(mine.podName, s.labels[LABEL.podName]);
    assert.equal(mine.namespace, "default");
    assert.equal(mine.containerName, "main");
    assert.equal(mine.node, node);
    assert.equal(mine.specHash, "h1");
    assert.equal(mine.attempt, 0);
    assert.equal(mine.gracePeriodSeconds, 30);
    assert.equal(mine.image, IMAGE);
    assert.match(mine.imageId, /^sha256:/);
    assert.ok(mine.startedAt instanceof Date);
    assert.equal(mine.finishedAt, undefined, "Docker's zero time means unset");
    assert.equal(mine.exitCode, undefined);
    assert.equal(mine.oomKilled, false);
    assert.equal(mine.error, undefined);

    const byPod = await rt.list({ node, podUid: s.labels[LABEL.podUid] });
    assert.deepEqual(
      byPod.map((c) => c.id),
      [id],
    );
    assert.deepEqual(await rt.inspect(id), mine);
  });

  test("stop: a container trapping TERM exits in the grace, one ignoring it is killed", async () => {
    const gentle = await rt.create(
      spec({ cmd: ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"] }),
    );
    const stubborn = await rt.create(
      spec({ cmd: ["sh", "-c", "trap '' TERM; sleep 3600 & wait"] }),
    );
    await rt.start(gentle);
    await rt.start(stubborn);
    const running = await rt.list({ node });
    assert.equal(running.find((c) => c.id === gentle)?.state, "running");

    await rt.stop(gentle, 30);
    await rt.stop(stubborn, 1);

    const g = await exitedState(gentle);
    assert.equal(g.exitCode, 0, "exited through its TERM trap, before the 30 s grace");
    const k = await exitedState(stubborn);
    assert.equal(k.exitCode, 137, "SIGKILLed after the grace");
    assert.ok(k.finishedAt instanceof Date && k.startedAt instanceof Date);
    assert.ok(k.finishedAt >= k.startedAt);

    // The relist sees the change although it had cached the running state.
    const relisted = await rt.list({ node });
    assert.equal(relisted.find((c) => c.id === gentle)?.state, "exited");
    assert.equal(relisted.find((c) => c.id === stubborn)?.exitCode, 137);

    // Stopping again (304) and stopping a missing container (404) are both fine.
    await rt.stop(gentle, 1);
    await rt.remove(gentle);
    await rt.stop(gentle, 1);
  });

  test("remove deletes the container; removing or inspecting a missing one is fine", async () => {
    const id = await rt.create(spec());
    await rt.start(id);
    await rt.remove(id);
    assert.equal(await rt.inspect(id), undefined);
    assert.equal(
      (await rt.list({ node })).some((c) => c.id === id),
      false,
    );
    await rt.remove(id);
    await assert.rejects(rt.start(id), isContainerNotFoundError);
  });

  test("a privileged container is created privileged; its start error is the engine's", async (t) => {
    const id = await rt.create(spec({ privileged: true }));
    const raw = await docker.getContainer(id).inspect();
    assert.equal(raw.HostConfig.Privileged, true);
    let startError: unknown;
    try {
      await rt.start(id);
    } catch (e) {
      startError = e;
    }
    if (startError === undefined) {
      t.skip("privileged containers start on this machine; nothing to observe");
      return;
    }
    assert.ok(isRuntimeError(startError), `a RuntimeError, got ${String(startError)}`);
    assert.equal(startError.statusCode, 500);
    assert.doesNotMatch(startError.message, /HTTP code/, "the engine's words, not the client's");
    t.diagnostic(`privileged start: ${startError.message}`);
    const observed = await rt.inspect(id);
    assert.ok(observed);
    assert.equal(observed.error, startError.message);
    assert.equal(observed.state, "created");
    const listed = (await rt.list({ node })).find((c) => c.id === id);
    assert.equal(listed?.error, startError.message);
  });

  test("create with an absent image fails with ImageNotFoundError", async () => {
    await assert.rejects(rt.create(spec({ image: "daemonlet.test/absent:0" })), (e: unknown) => {
      assert.ok(isImageNotFoundError(e));
      assert.equal(e.image, "daemonlet.test/absent:0");
      return true;
    });
  });

  test("events deliver start and die for our node label only", async () => {
    const seen: RuntimeEvent[] = [];
    const ac = new AbortController();
    rt.events(node, (e) => seen.push(e), ac.signal);
    try {
      await eventStreamDelivering(seen);
      // Events arrive in order: once ours has died, a leaked event of the other node's
      // container (run first) would already be here.
      const other = await rt.create(spec({ nodeLabel: otherNode, cmd: ["true"] }));
      await rt.start(other);
      await exitedState(other);
      const s = spec({ cmd: ["true"] });
      const id = await rt.create(s);
      await rt.start(id);
      const actions = await waitFor(
        () => {
          const a = seen.flatMap((e) =>
            e.kind === "container" && e.containerId === id ? [e] : [],
          );
          return a.some((e) => e.action === "die") ? a : undefined;
        },
        { what: `start and die events of ${id}` },
      );
      assert.ok(actions.some((e) => e.action === "start"));
      assert.ok(actions.every((e) => e.podUid === s.labels[LABEL.podUid]));
      // An exec leaves the container's state as it was, so it makes no event: by the time a later
      // container's start is here, an event of the exec would be too.
      const running = await rt.create(spec({ cmd: ["sleep", "30"] }));
      await rt.start(running);
      await rt.exec(running, ["true"], 5000);
      const after = await rt.create(spec({ cmd: ["true"] }));
      await rt.start(after);
      await waitFor(() => seen.some((e) => e.kind === "container" && e.containerId === after), {
        what: `the start event of ${after}`,
      });
      assert.deepEqual(
        seen.flatMap((e) =>
          e.kind === "container" && e.containerId === running ? [e.action] : [],
        ),
        ["create", "start"],
      );
      assert.equal(
        seen.some((e) => e.kind === "container" && e.containerId === other),
        false,
      );
      assert.equal(
        seen.some((e) => e.kind === "disconnected"),
        false,
      );
    } finally {
      ac.abort();
    }
  });

  test("events report a disconnect once when the engine is unreachable", async () => {
    const dead = new DockerRuntime({ socketPath: "/nonexistent/docker.sock" });
    const seen: RuntimeEvent[] = [];
    const ac = new AbortController();
    dead.events(node, (e) => seen.push(e), ac.signal);
    const first = await waitFor(() => seen[0], { what: "a disconnected event" });
    assert.equal(first.kind, "disconnected");
    assert.ok(first.kind === "disconnected" && isRuntimeUnavailableError(first.error));
    await assert.rejects(dead.version(), isRuntimeUnavailableError);
    ac.abort();
    assert.equal(seen.length, 1);
  });

  test("exec takes its exit code from the exec's event while the stream is up", async () => {
    const proxy = await EngineProxy.start(join(tmpdir(), `daemonlet-rt-proxy-${process.pid}.sock`));
    const counted = new DockerRuntime({ socketPath: proxy.socketPath });
    const seen: RuntimeEvent[] = [];
    const ac = new AbortController();
    try {
      const running = await rt.create(spec({ cmd: ["sleep", "30"] }));
      await rt.start(running);
      // Without an event stream the code comes from inspecting the exec.
      assert.equal((await counted.exec(running, ["sh", "-c", "exit 3"], 10_000)).exitCode, 3);
      assert.equal(proxy.count("GET /exec/{id}/json") > 0, true);

      counted.events(node, (e) => seen.push(e), ac.signal);
      await eventStreamDelivering(seen);
      proxy.reset();
      for (const code of [0, 4, 0]) {
        const result = await counted.exec(running, ["sh", "-c", `echo hi; exit ${code}`], 10_000);
        assert.deepEqual(result, { exitCode: code, output: "hi\n", timedOut: false });
      }
      assert.equal(proxy.count("POST /exec/{id}/start"), 3);
      // The wait for an event is short, and a late one falls back to the inspect: ask only that
      // the codes came from events at all.
      await waitFor(
        async () => {
          proxy.reset();
          const { exitCode } = await counted.exec(running, ["sh", "-c", "exit 5"], 10_000);
          assert.equal(exitCode, 5);
          return proxy.count("GET /exec/{id}/json") === 0;
        },
        { what: "an exec whose code came from its event, with no inspect" },
      );
      assert.deepEqual(
        seen.filter((e) => e.kind === "container" && e.containerId === running),
        [],
        "exec events are not passed on as container events",
      );
    } finally {
      ac.abort();
      await proxy.close();
    }
  });

  test("list skips other nodes' containers and containers with malformed labels", async () => {
    const other = await rt.create(spec({ nodeLabel: otherNode }));
    const bad = spec();
    bad.labels[LABEL.attempt] = "not-a-number";
    const malformed = await rt.create(bad);
    const good = await rt.create(spec());
    const ids = (await rt.list({ node })).map((c) => c.id);
    assert.ok(ids.includes(good));
    assert.ok(!ids.includes(other), "another node's container is never listed");
    assert.ok(!ids.includes(malformed), "malformed labels are skipped");
    const otherIds = (await rt.list({ node: otherNode })).map((c) => c.id);
    assert.deepEqual(otherIds.includes(other), true);
    assert.equal(otherIds.includes(good), false);
  });

  test("pulling from a registry where nothing listens rejects with the engine's reason", async () => {
    const progress: unknown[] = [];
    await assert.rejects(
      rt.pullImage("127.0.0.1:1/daemonlet/absent:1", (p) => progress.push(p)),
      (e: unknown) => {
        assert.ok(isImagePullError(e), `an ImagePullError, got ${String(e)}`);
        assert.equal(e.image, "127.0.0.1:1/daemonlet/absent:1");
        assert.match(e.message, /127\.0\.0\.1:1.*connection refused/);
        return true;
      },
    );
  });
});

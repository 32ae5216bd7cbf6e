// The agent's local API end to end over a real unix socket: server, client and codec together.
// Needs no Docker engine.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { createInterface } from "node:readline";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Pod } from "kubernetes-types/core/v1.js";
import { listNodePods, streamContainerLogs } from "../../agent/local-api/client.js";
import { isLocalApiError } from "../../agent/local-api/errors.js";
import { startLocalApi } from "../../agent/local-api/server.js";
import type { LogChunk, LogsRequest } from "../../agent/local-api/logs-codec.js";
import type { ManifestProblem, NodePodsView } from "../../agent/pods/node-pods-view.js";
import type { LogOptions } from "../../agent/runtime/runtime.js";
import { waitFor } from "../support/wait.js";

const pods: Pod[] = [
  {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: "node-exporter-web1",
      namespace: "monitoring",
      uid: "uid-1",
      labels: { app: "node-exporter" },
      creationTimestamp: "2024-05-01T10:00:00Z",
    },
    spec: { nodeName: "web1", containers: [{ name: "exporter", image: "prom/node-exporter" }] },
    status: {
      phase: "Running",
      podIP: "10.0.0.5",
      containerStatuses: [
        {
          name: "exporter",
          image: "prom/node-exporter",
          imageID: "docker-pullable://prom/node-exporter@sha256:1111",
          containerID: "docker://aaaa",
          ready: true,
          started: true,
          restartCount: 2,
          state: { running: { startedAt: "2024-05-01T10:05:00Z" } },
          lastState: { terminated: { exitCode: 1, reason: "Error" } },
        },
      ],
    },
  },
];

const manifestProblems: ManifestProblem[] = [
  {
    file: "/etc/daemonlet/manifests/proxy.yaml",
    message: "spec.containers[0].image: required",
    keptPod: "proxy-web1",
  },
  { file: "/etc/daemonlet/manifests/new.yaml", message: "spec.volumes[0]: nfs is not supported" },
];

/** What the stand-in engine was asked for, so tests see what reached it. */
const logCalls: { containerId: string; opts: LogOptions }[] = [];

const view: NodePodsView = {
  nodeName: "web1",
  pods: () => pods,
  manifestProblems: () => manifestProblems,
  // A stand-in engine: two lines, then, when following, nothing more until the call is aborted.
  containerLogs: async (containerId, opts, onChunk) => {
    logCalls.push({ containerId, opts });
    onChunk("stdout", Buffer.from("line 1\n"));
    onChunk("stderr", Buffer.from("oops\n"));
    if (opts.follow && !opts.signal.aborted) {
      await new Promise((resolve) =>
        opts.signal.addEventListener("abort", resolve, { once: true }),
      );
    }
  },
};

const exporterLogs: LogsRequest = {
  podName: "node-exporter-web1",
  namespace: "monitoring",
  follow: false,
  previous: false,
  timestamps: false,
};

/** Leaves a socket file nobody listens on, as an agent killed with SIGKILL does. */
async function leaveStaleSocket(path: string): Promise<void> {
  const child = spawn(process.execPath, [
    "-e",
    `require("node:net").createServer().listen(${JSON.stringify(path)}, () => console.log("up"))`,
  ]);
  await new Promise((resolve) => child.stdout.once("data", resolve));
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
}

describe("agent local API", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "daemonlet-local-api-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("serves the node's pods and manifest problems", async () => {
    const socket = join(dir, "serve.sock");
    const api = await startLocalApi(socket, view);
    try {
      assert.equal((await stat(socket)).mode & 0o777, 0o660);
      assert.deepEqual(await listNodePods(socket), { nodeName: "web1", pods, manifestProblems });
    } finally {
      await api.close();
    }
  });

  it("says no agent is listening, before and after one ran", async () => {
    const socket = join(dir, "gone.sock");
    const expected = {
      name: "LocalApiError",
      reason: "AgentNotListening",
      message: `no agent is listening on ${socket}: is the agent running? (--state-dir)`,
    };
    await assert.rejects(listNodePods(socket), expected);
    await (await startLocalApi(socket, view)).close();
    await assert.rejects(listNodePods(socket), expected);
  });

  it("refuses to take over a socket another agent is serving", async () => {
    const socket = join(dir, "taken.sock");
    const first = await startLocalApi(socket, view);
    try {
      await assert.rejects(startLocalApi(socket, view), (error: unknown) => {
        assert.ok(isLocalApiError(error, "SocketInUse"));
        assert.match(error.message, /another agent is already serving on .*taken\.sock/);
        return true;
      });
      assert.equal((await listNodePods(socket)).nodeName, "web1", "the first agent still answers");
    } finally {
      await first.close();
    }
  });

  it("replaces a stale socket left by a killed agent", async () => {
    const socket = join(dir, "stale.sock");
    await leaveStaleSocket(socket);
    assert.ok((await stat(socket)).isSocket());
    await assert.rejects(listNodePods(socket), { reason: "AgentNotListening" });
    const api = await startLocalApi(socket, view);
    try {
      assert.equal((await listNodePods(socket)).pods.length, 1);
    } finally {
      await api.close();
    }
  });

  it("leaves a file that is not a socket alone", async () => {
    const path = join(dir, "not-a-socket");
    await writeFile(path, "someone's notes\n");
    await assert.rejects(startLocalApi(path, view), { reason: "NotASocket" });
    assert.equal(await readFile(path, "utf8"), "someone's notes\n");
  });

  it("loads gRPC on the first connection, which it then serves", async () => {
    const socket = join(dir, "lazy.sock");
    // An agent of its own: this process has grpc-js loaded already, for the client.
    const serverModule = new URL("../../agent/local-api/server.ts", import.meta.url).href;
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "--input-type=module",
        "-e",
        `import { createRequire } from "node:module";
         import { createInterface } from "node:readline";
         const { startLocalApi } = await import(${JSON.stringify(serverModule)});
         const grpcLoaded = () =>
           Object.keys(createRequire(import.meta.url).cache).some((f) => f.includes("/@grpc/grpc-js/"));
         const view = { nodeName: "lazy", pods: () => [], manifestProblems: () => [] };
         const api = await startLocalApi(${JSON.stringify(socket)}, view);
         console.log(grpcLoaded());
         for await (const line of createInterface({ input: process.stdin })) console.log(grpcLoaded());
         await api.close();`,
      ],
      { stdio: ["pipe", "pipe", "inherit"] },
    );
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    try {
      assert.equal((await lines.next()).value, "false", "grpc-js is not loaded at start");
      assert.deepEqual(await listNodePods(socket), {
        nodeName: "lazy",
        pods: [],
        manifestProblems: [],
      });
      child.stdin.write("again\n");
      assert.equal((await lines.next()).value, "true", "the first call loaded grpc-js");
    } finally {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.stdin.end();
      await exited;
    }
  });

  describe("logs", () => {
    const socket = () => join(dir, "logs.sock");
    let api: { close(): Promise<void> } | undefined;
    before(async () => {
      api = await startLocalApi(socket(), view);
    });
    after(async () => {
      await api?.close();
    });

    it("streams the container its status names, stdout and stderr apart", async () => {
      const chunks: LogChunk[] = [];
      await streamContainerLogs(socket(), { ...exporterLogs, tailLines: 5 }, (c) => chunks.push(c));
      assert.deepEqual(
        chunks.map((c) => [c.stream, Buffer.from(c.data).toString()]),
        [
          ["stdout", "line 1\n"],
          ["stderr", "oops\n"],
        ],
      );
      const call = logCalls.at(-1);
      assert.equal(call?.containerId, "aaaa");
      assert.equal(call?.opts.tail, 5);
      assert.ok(call?.opts.signal.aborted, "the engine stream is released at the end");
    });

    it("passes the agent's refusals on in kubectl's words", async () => {
      await assert.rejects(
        streamContainerLogs(socket(), { ...exporterLogs, podName: "x" }, () => {}),
        {
          name: "LocalApiError",
          reason: "Refused",
          message: 'pods "x" not found',
        },
      );
      await assert.rejects(
        streamContainerLogs(
          socket(),
          { ...exporterLogs, container: "exporter", previous: true },
          () => {},
        ),
        {
          reason: "Refused",
          message: 'previous terminated container "exporter" in pod "node-exporter-web1" not found',
        },
      );
    });

    it("aborts the engine's stream when the client cancels a follow", async () => {
      const calls = logCalls.length;
      const cancel = new AbortController();
      const lines: string[] = [];
      const following = streamContainerLogs(
        socket(),
        { ...exporterLogs, follow: true },
        (c) => lines.push(Buffer.from(c.data).toString()),
        cancel.signal,
      );
      await waitFor(() => lines.length === 2, { what: "the lines before the follow waits" });
      cancel.abort();
      await following;
      const call = logCalls[calls];
      await waitFor(() => call?.opts.signal.aborted, {
        what: "the agent to abort the engine stream",
      });
    });

    it("ends open follows when it closes rather than holding the shutdown up", async () => {
      const path = join(dir, "closing.sock");
      const closing = await startLocalApi(path, view);
      const calls = logCalls.length;
      const following = streamContainerLogs(path, { ...exporterLogs, follow: true }, () => {});
      const ended = assert.rejects(following, { reason: "AgentNotListening" });
      await waitFor(() => logCalls.length > calls, { what: "the follow to reach the engine" });
      const started = Date.now();
      await closing.close();
      // Well under the 2 s the server would otherwise give open calls before cutting them.
      assert.ok(Date.now() - started < 1500, `close took ${Date.now() - started} ms`);
      await ended;
      assert.ok(logCalls[calls]?.opts.signal.aborted);
    });
  });
});

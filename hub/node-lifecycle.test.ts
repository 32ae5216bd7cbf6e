import { afterEach, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import winston from "winston";
import { NodeLiveness } from "./node-lifecycle.js";
import { terminatePod } from "./pod-termination.js";
import {
  openSqliteStore,
  type NodeObject,
  type PodObject,
  type SqliteStore,
} from "./store/index.js";
import { waitFor } from "../test/support/wait.js";

const logger = winston.createLogger({ silent: true });

function readyPod(name: string, nodeName: string): PodObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default" },
    spec: { nodeName, containers: [{ name: "app", image: "busybox:1.36" }] },
    status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] },
  };
}

describe("NodeLiveness", () => {
  let dir: string;
  let store: SqliteStore;
  let liveness: NodeLiveness;
  const nodeA = () => store.get<NodeObject>("Node", "", "a")!;
  const ready = (n: NodeObject) => n.status?.conditions?.find((c) => c.type === "Ready")?.status;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "daemonlet-liveness-"));
    store = openSqliteStore(dir);
    store.create<NodeObject>({
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: "a" },
      spec: {},
      status: { conditions: [{ type: "Ready", status: "True" }] },
    });
    store.create(readyPod("p", "a"));
    liveness = new NodeLiveness(store, logger, { graceMs: 150, checkIntervalMs: 25 });
    liveness.start();
  });

  afterEach(async () => {
    liveness.stop();
    store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("a silent node becomes Unknown, tainted, its pods not ready; a word from it undoes all", async () => {
    await waitFor(() => nodeA(), { what: "Unknown", until: (n) => ready(n) === "Unknown" });
    assert.deepEqual(
      nodeA().spec?.taints?.map((t) => `${t.key}:${t.effect}`),
      ["node.kubernetes.io/unreachable:NoExecute"],
    );
    const pod = store.get<PodObject>("Pod", "default", "p")!;
    assert.equal(pod.status?.conditions?.[0]?.status, "False");
    assert.equal(pod.status?.conditions?.[0]?.reason, "NodeUnreachable");
    assert.ok(store.list("Event").items.some((e) => e.reason === "NodeNotReady"));

    liveness.seen("a");
    assert.equal(ready(nodeA()), "True");
    assert.equal(nodeA().spec?.taints, undefined);
    assert.equal(
      store.get<PodObject>("Pod", "default", "p")!.status?.conditions?.[0]?.status,
      "True",
    );
  });

  it("a deleted node takes its pods with it, terminating ones too", async () => {
    liveness.seen("a");
    terminatePod(store, store.get<PodObject>("Pod", "default", "p")!, logger);
    assert.ok(store.get<PodObject>("Pod", "default", "p")?.metadata.deletionTimestamp);
    store.create(readyPod("q", "a"));
    store.delete("Node", "", "a");
    assert.deepEqual(store.list("Pod").items, []);
  });
});

describe("heartbeatInterval", () => {
  it("beats four times per grace period, at most every 10 s, at least every second", async () => {
    const { heartbeatInterval } = await import("./hub.js");
    assert.deepEqual([40, 60, 20, 4, 2].map(heartbeatInterval), [10, 10, 5, 1, 1]);
  });
});

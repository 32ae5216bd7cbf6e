import { afterEach, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import winston from "winston";
import type { Pod } from "kubernetes-types/core/v1.js";
import { UsageStore } from "./usage/usage-store.js";
import { StoreAgentBackend } from "./agent-backend.js";
import { NodeLiveness } from "./node-lifecycle.js";
import { AuthStore } from "./auth/auth-store.js";
import {
  openSqliteStore,
  type NodeObject,
  type PodObject,
  type SqliteStore,
} from "./store/index.js";
import type { AgentHello } from "../proto/hub-agent-frames.js";
import { setImmediate as endOfTurn } from "node:timers/promises";

const logger = winston.createLogger({ silent: true });
const TOKEN = "a-join-token-of-some-length";

function hello(nodeName: string, runningPodUids: string[] = []): AgentHello {
  return {
    protocolVersion: 1,
    nodeName,
    agentVersion: "0.1.0",
    labels: { site: "lab" },
    capacity: { cpu: "2", memory: "1024Ki", pods: "110" },
    addresses: [{ type: "InternalIP", address: "10.0.0.1" }],
    nodeInfo: {
      osImage: "Debian",
      kernelVersion: "6",
      architecture: "amd64",
      containerRuntimeVersion: "docker://20",
    },
    runningPodUids,
    allocatable: {},
    taints: [],
    lastAppliedVersion: 0,
  };
}

const running: Pod["status"] = {
  phase: "Running",
  conditions: [{ type: "Ready", status: "True" }],
};

describe("StoreAgentBackend", () => {
  let dir: string;
  let store: SqliteStore;
  let backend: StoreAgentBackend;
  let auth: AuthStore;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "daemonlet-backend-"));
    store = openSqliteStore(dir);
    auth = new AuthStore(dir, TOKEN);
    backend = new StoreAgentBackend(
      store,
      auth,
      new NodeLiveness(store, logger),
      logger,
      new UsageStore(),
    );
    backend.agentConnected(hello("a"));
    backend.agentConnected(hello("b"));
  });

  afterEach(async () => {
    store.close();
    auth.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("registers config taints and allocatable at first registration only", () => {
    backend.agentConnected({
      ...hello("c"),
      allocatable: { cpu: "1500m", memory: "512Ki", pods: "110" },
      taints: [{ key: "dedicated", value: "logs", effect: "NoSchedule" }],
    });
    const node = store.get<NodeObject>("Node", "", "c");
    assert.deepEqual(node?.spec?.taints, [
      { key: "dedicated", value: "logs", effect: "NoSchedule" },
    ]);
    assert.equal(node?.status?.allocatable?.["cpu"], "1500m");
    assert.equal(node?.status?.capacity?.["cpu"], "2");
    // An operator removes the taint; the agent reconnecting does not put it back.
    store.update<NodeObject>({ ...node!, spec: {} });
    backend.agentConnected({
      ...hello("c"),
      taints: [{ key: "dedicated", value: "logs", effect: "NoSchedule" }],
    });
    assert.equal(store.get<NodeObject>("Node", "", "c")?.spec?.taints, undefined);
    // An older agent that does not report allocatable: all of capacity is allocatable.
    assert.equal(store.get<NodeObject>("Node", "", "a")?.status?.allocatable?.["cpu"], "2");
  });

  it("heartbeat conditions become node conditions and taints, and writes only on change", () => {
    const beat = (memory: string, ready = "True") =>
      backend.heartbeat("a", {
        time: "2024-05-06T12:00:00Z",
        conditions: [
          {
            type: "Ready",
            status: ready,
            reason: ready === "True" ? "AgentReady" : "AgentNotReady",
          },
          { type: "MemoryPressure", status: memory, reason: memory === "True" ? "Low" : "Fine" },
        ],
      });
    beat("False");
    const version = store.get<NodeObject>("Node", "", "a")?.metadata.resourceVersion;
    beat("False");
    assert.equal(store.get<NodeObject>("Node", "", "a")?.metadata.resourceVersion, version);
    beat("True", "False");
    const node = store.get<NodeObject>("Node", "", "a");
    assert.deepEqual(
      node?.status?.conditions?.map((c) => `${c.type}=${c.status}`),
      ["Ready=False", "MemoryPressure=True"],
    );
    assert.deepEqual(
      node?.spec?.taints?.map((t) => `${t.key}:${t.effect}`),
      ["node.kubernetes.io/memory-pressure:NoSchedule", "node.kubernetes.io/not-ready:NoExecute"],
    );
    beat("False");
    assert.equal(store.get<NodeObject>("Node", "", "a")?.spec?.taints, undefined);
    // Down again, then a reconnect resets Ready to True without touching the taint: the next
    // heartbeat that says Ready takes the stale not-ready taint away.
    beat("False", "False");
    backend.agentConnected(hello("a"));
    beat("False");
    assert.equal(store.get<NodeObject>("Node", "", "a")?.spec?.taints, undefined);
  });

  it("writes nothing when a Ready node reconnects with nothing new", () => {
    backend.heartbeat("a", {
      time: "2024-05-06T12:00:00Z",
      conditions: [
        { type: "MemoryPressure", status: "False", reason: "AgentHasSufficientMemory" },
        { type: "Ready", status: "True", reason: "AgentReady" },
      ],
    });
    const before = store.get<NodeObject>("Node", "", "a")?.metadata.resourceVersion;
    backend.agentConnected(hello("a"));
    assert.equal(store.get<NodeObject>("Node", "", "a")?.metadata.resourceVersion, before);
  });

  it("takes a node credential for its node, and never the join token itself", () => {
    const joined = auth.join(TOKEN, "a");
    assert.ok("credential" in joined);
    assert.equal(backend.authenticate(joined.credential), "a");
    assert.equal(backend.authenticate(TOKEN), undefined);
    assert.equal(backend.authenticate(undefined), undefined);
    assert.equal(backend.authenticate(`${joined.credential}x`), undefined);
  });

  it("registers nodes with automatic labels; later label changes survive a reconnect", () => {
    const node = store.get<PodObject>("Node", "", "a")!;
    assert.equal(node.metadata.labels?.["kubernetes.io/hostname"], "a");
    assert.equal(node.metadata.labels?.site, "lab");
    store.update({
      ...node,
      metadata: { ...node.metadata, labels: { "kubernetes.io/hostname": "a" } },
    });
    backend.agentConnected(hello("a"));
    assert.equal(store.get<PodObject>("Node", "", "a")!.metadata.labels?.site, undefined);
  });

  it("makes a mirror pod for a static pod, and removes it when the node reports it gone", async () => {
    const staticPod: Pod = {
      metadata: {
        name: "local-a",
        namespace: "default",
        uid: "static-uid",
        annotations: { "kubernetes.io/config.source": "file" },
      },
      spec: { containers: [{ name: "app", image: "busybox:1.36" }] },
      status: running,
    };
    backend.podStatuses("a", [staticPod], []);
    await endOfTurn();
    const mirror = store.get<PodObject>("Pod", "default", "local-a")!;
    assert.equal(mirror.metadata.annotations?.["kubernetes.io/config.mirror"], "static-uid");
    assert.equal(mirror.spec?.nodeName, "a");
    assert.deepEqual(backend.podsForNode("a"), [], "a mirror pod is never sent back to run");
    backend.podStatuses("a", [], ["static-uid"]);
    await endOfTurn();
    assert.equal(store.get("Pod", "default", "local-a"), undefined);
  });

  it("takes status only from the pod's own node, written at the end of the turn", async () => {
    const stored = store.create<PodObject>({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p", namespace: "default" },
      spec: { nodeName: "a", containers: [{ name: "app", image: "busybox:1.36" }] },
      status: { phase: "Pending" },
    });
    const report: Pod = {
      metadata: { name: "p", namespace: "default", uid: stored.metadata.uid },
      status: running,
    };
    backend.podStatuses("b", [report], []);
    await endOfTurn();
    assert.equal(store.get<PodObject>("Pod", "default", "p")!.status?.phase, "Pending");
    backend.podStatuses("a", [report], []);
    assert.equal(store.get<PodObject>("Pod", "default", "p")!.status?.phase, "Pending");
    await endOfTurn();
    assert.equal(store.get<PodObject>("Pod", "default", "p")!.status?.phase, "Running");
  });

  it("a node deleted under a connected agent makes its next report fail, so it registers again", () => {
    store.delete("Node", "", "a");
    assert.throws(
      () => backend.heartbeat("a", { time: new Date().toISOString(), conditions: [] }),
      /deleted/,
    );
    backend.agentConnected(hello("a"));
    assert.ok(store.get("Node", "", "a"));
  });
});

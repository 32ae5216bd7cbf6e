import { afterEach, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import winston from "winston";
import type { Pod } from "kubernetes-types/core/v1.js";
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
    backend = new StoreAgentBackend(store, auth, new NodeLiveness(store, logger), logger);
    backend.agentConnected(hello("a"));
    backend.agentConnected(hello("b"));
  });

  afterEach(async () => {
    store.close();
    auth.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("takes a node credential for its node, and never the join token itself", () => {
    const joined = auth.join(TOKEN, "a");
    assert.ok("credential" in joined);
    assert.equal(backend.authenticate(joined.credential), "a");
    assert.equal(backend.authenticate(TOKEN), undefined);
    assert.equal(backend.authenticate(undefined), undefined);
    assert.equal(backend.authenticate(`${joined.credential}x`), undefined);
  });

  it("applies the agent's taints at first registration only", () => {
    const taint = { key: "dedicated", value: "infra", effect: "NoSchedule" };
    backend.agentConnected({ ...hello("c"), registerTaints: [taint] });
    assert.deepEqual(store.get<PodObject>("Node", "", "c")?.spec, { taints: [taint] });
    const node = store.get<NodeObject>("Node", "", "c")!;
    store.update({ ...node, spec: {} });
    backend.agentConnected({ ...hello("c"), registerTaints: [taint] });
    assert.equal(store.get<NodeObject>("Node", "", "c")?.spec?.taints, undefined);
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

  it("makes a mirror pod for a static pod, and removes it when the node reports it gone", () => {
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
    const mirror = store.get<PodObject>("Pod", "default", "local-a")!;
    assert.equal(mirror.metadata.annotations?.["kubernetes.io/config.mirror"], "static-uid");
    assert.equal(mirror.spec?.nodeName, "a");
    assert.deepEqual(backend.podsForNode("a"), [], "a mirror pod is never sent back to run");
    backend.podStatuses("a", [], ["static-uid"]);
    assert.equal(store.get("Pod", "default", "local-a"), undefined);
  });

  it("takes status only from the pod's own node", () => {
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
    assert.equal(store.get<PodObject>("Pod", "default", "p")!.status?.phase, "Pending");
    backend.podStatuses("a", [report], []);
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

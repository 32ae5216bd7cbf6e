import { afterEach, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import winston from "winston";
import { DaemonSetController } from "./daemonset-controller.js";
import {
  openSqliteStore,
  type ControllerRevisionObject,
  type DaemonSetObject,
  type NodeObject,
  type PodObject,
  type SqliteStore,
} from "../store/index.js";
import { removePod, terminatePod } from "../pod-termination.js";
import { waitFor } from "../../test/support/wait.js";

const logger = winston.createLogger({ silent: true });

function node(name: string, labels: Record<string, string> = {}): NodeObject {
  return { apiVersion: "v1", kind: "Node", metadata: { name, labels }, spec: {} };
}

function daemonSet(nodeSelector?: Record<string, string>, image = "busybox:1.36"): DaemonSetObject {
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name: "tailer", namespace: "default" },
    spec: {
      selector: { matchLabels: { app: "tailer" } },
      template: {
        metadata: { labels: { app: "tailer" } },
        spec: { nodeSelector, containers: [{ name: "app", image }] },
      },
    },
  };
}

describe("DaemonSetController on a real store", () => {
  let dir: string;
  let store: SqliteStore;
  let controller: DaemonSetController;
  const pods = () => store.list<PodObject>("Pod").items;
  const live = () => pods().filter((p) => !p.metadata.deletionTimestamp);
  const nodesOf = (list: PodObject[]) => list.map((p) => p.spec?.nodeName).sort();

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "daemonlet-controller-"));
    store = openSqliteStore(dir);
    controller = new DaemonSetController(store, (pod) => terminatePod(store, pod, logger), logger);
    for (const n of ["a", "b", "c"]) store.create(node(n, { zone: n === "c" ? "z2" : "z1" }));
    controller.start();
  });

  afterEach(async () => {
    controller.stop();
    store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("creates one pod per node, named <ds>-<5 chars>, bound and owned, with default tolerations", async () => {
    store.create(daemonSet());
    const created = await waitFor(() => live(), {
      what: "three pods",
      until: (p) => p.length === 3,
    });
    assert.deepEqual(nodesOf(created), ["a", "b", "c"]);
    for (const p of created) {
      assert.match(p.metadata.name ?? "", /^tailer-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      assert.equal(p.metadata.ownerReferences?.[0]?.kind, "DaemonSet");
      assert.ok(p.spec?.tolerations?.some((t) => t.key === "node.kubernetes.io/unreachable"));
      assert.ok(p.metadata.labels?.["controller-revision-hash"]);
    }
    const ds = await waitFor(() => store.get<DaemonSetObject>("DaemonSet", "default", "tailer"), {
      what: "status",
      until: (d) => d.status?.desiredNumberScheduled === 3,
    });
    assert.equal(ds.status?.currentNumberScheduled, 3);
    assert.equal(ds.status?.observedGeneration, 1);
    assert.equal(store.list("ControllerRevision").items.length, 1);
    assert.ok(store.list("Event").items.some((e) => e.reason === "SuccessfulCreate"));
  });

  it("a node that stops matching has its pod terminated; no replacement while it terminates", async () => {
    store.create(daemonSet({ zone: "z1" }));
    await waitFor(() => live(), { what: "two pods", until: (p) => p.length === 2 });
    const b = store.get<NodeObject>("Node", "", "b")!;
    store.update({ ...b, metadata: { ...b.metadata, labels: { zone: "z2" } } });
    const terminating = await waitFor(() => pods().find((p) => p.metadata.deletionTimestamp), {
      what: "b's pod terminating",
    });
    assert.equal(terminating.spec?.nodeName, "b");
    // The agent reports it gone: only then is the object removed.
    removePod(store, terminating);
    await waitFor(() => pods(), { what: "only a's pod", until: (p) => p.length === 1 });
    assert.deepEqual(nodesOf(pods()), ["a"]);
  });

  it("keeps pods on an unreachable node, evicts on an untolerated NoExecute taint", async () => {
    store.create(daemonSet());
    await waitFor(() => live(), { what: "three pods", until: (p) => p.length === 3 });
    const a = store.get<NodeObject>("Node", "", "a")!;
    store.update({
      ...a,
      spec: { taints: [{ key: "node.kubernetes.io/unreachable", effect: "NoExecute" }] },
    });
    const c = store.get<NodeObject>("Node", "", "c")!;
    store.update({
      ...c,
      spec: { taints: [{ key: "dedicated", value: "db", effect: "NoExecute" }] },
    });
    await waitFor(() => live(), { what: "c's pod evicted", until: (p) => p.length === 2 });
    assert.deepEqual(nodesOf(live()), ["a", "b"]);
  });

  it("a deleted node's pods go at once; a deleted DaemonSet's pods terminate", async () => {
    store.create(daemonSet());
    await waitFor(() => live(), { what: "three pods", until: (p) => p.length === 3 });
    store.delete("Node", "", "c");
    await waitFor(() => pods(), { what: "c's pod collected", until: (p) => p.length === 2 });
    store.delete("DaemonSet", "default", "tailer");
    await waitFor(() => live(), { what: "all pods terminating", until: (p) => p.length === 0 });
  });

  it("a template change replaces pods one node at a time and records a second revision", async () => {
    store.create(daemonSet());
    const first = await waitFor(() => live(), { what: "three pods", until: (p) => p.length === 3 });
    // Mark them ready so the replacement budget allows one at a time.
    for (const p of first) {
      store.updateStatus({
        ...p,
        status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] },
      });
    }
    const ds = store.get<DaemonSetObject>("DaemonSet", "default", "tailer")!;
    store.update({ ...ds, spec: daemonSet(undefined, "busybox:1.37").spec });
    await waitFor(() => pods().filter((p) => p.metadata.deletionTimestamp), {
      what: "one terminating",
      until: (p) => p.length === 1,
    });
    assert.equal(
      pods().filter((p) => p.metadata.deletionTimestamp).length,
      1,
      "never more than one at a time",
    );
    assert.equal(store.list("ControllerRevision").items.length, 2);
  });
});

describe("DaemonSetController across DaemonSet generations", () => {
  let dir: string;
  let store: SqliteStore;
  let controller: DaemonSetController;
  const pods = () => store.list<PodObject>("Pod").items;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "daemonlet-controller-"));
    store = openSqliteStore(dir);
    controller = new DaemonSetController(store, (pod) => terminatePod(store, pod, logger), logger);
    store.create(node("a"));
    controller.start();
  });

  afterEach(async () => {
    controller.stop();
    store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("a DaemonSet deleted and made again waits for the old pod to be gone: never two", async () => {
    const first = store.create(daemonSet());
    await waitFor(() => pods(), { what: "one pod", until: (p) => p.length === 1 });
    store.delete("DaemonSet", "default", "tailer");
    store.create(daemonSet());
    const old = await waitFor(() => pods().find((p) => p.metadata.deletionTimestamp), {
      what: "the old pod terminating",
    });
    assert.equal(old.metadata.ownerReferences?.[0]?.uid, first.metadata.uid);
    assert.equal(pods().length, 1, "no new pod beside the terminating one");
    removePod(store, old);
    const fresh = await waitFor(() => pods(), {
      what: "the new pod",
      until: (p) => p.length === 1 && !p[0]?.metadata.deletionTimestamp,
    });
    assert.notEqual(fresh[0]?.metadata.ownerReferences?.[0]?.uid, first.metadata.uid);
  });

  it("keeps revisionHistoryLimit old revisions and drops them with the DaemonSet", async () => {
    const ds = daemonSet();
    ds.spec!.revisionHistoryLimit = 1;
    store.create(ds);
    await waitFor(() => store.list("ControllerRevision").items, {
      what: "revision 1",
      until: (r) => r.length === 1,
    });
    for (const image of ["busybox:2", "busybox:3", "busybox:4"]) {
      const stored = store.get<DaemonSetObject>("DaemonSet", "default", "tailer")!;
      store.update({
        ...stored,
        spec: { ...daemonSet(undefined, image).spec!, revisionHistoryLimit: 1 },
      });
      await waitFor(() => store.list("ControllerRevision").items, {
        what: `a revision for ${image}`,
        until: (r) => r.some((x) => JSON.stringify(x).includes(image)),
      });
    }
    const kept = store
      .list<ControllerRevisionObject>("ControllerRevision")
      .items.map((r) => r.revision)
      .sort();
    assert.deepEqual(kept, [3, 4]);
    store.delete("DaemonSet", "default", "tailer");
    await waitFor(() => store.list("ControllerRevision").items, {
      what: "revisions gone",
      until: (r) => r.length === 0,
    });
  });
});

describe("DaemonSetController revisions", () => {
  let dir: string;
  let store: SqliteStore;
  let controller: DaemonSetController;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "daemonlet-controller-"));
    store = openSqliteStore(dir);
    controller = new DaemonSetController(store, (pod) => terminatePod(store, pod, logger), logger);
    controller.start();
  });

  afterEach(async () => {
    controller.stop();
    store.close();
    await rm(dir, { recursive: true, force: true });
  });

  const revisions = () =>
    store
      .list<ControllerRevisionObject>("ControllerRevision")
      .items.map((r) => `${r.revision}:${JSON.stringify(r.data).match(/busybox:\d/)?.[0]}`)
      .sort();
  const setImage = (image: string) => {
    const stored = store.get<DaemonSetObject>("DaemonSet", "default", "tailer")!;
    store.update({ ...stored, spec: daemonSet(undefined, image).spec });
  };

  it("a template used again becomes the newest revision, under the same hash", async () => {
    store.create(daemonSet(undefined, "busybox:1"));
    await waitFor(revisions, { what: "revision 1", until: (r) => r.length === 1 });
    setImage("busybox:2");
    await waitFor(revisions, { what: "revision 2", until: (r) => r.length === 2 });
    setImage("busybox:1");
    await waitFor(revisions, {
      what: "busybox:1 renumbered 3",
      until: (r) => r.join() === "2:busybox:2,3:busybox:1",
    });
  });
});

import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import Database from "better-sqlite3";
import { statSync } from "node:fs";
import { join } from "node:path";
import {
  isAlreadyExists,
  isConflict,
  isInvalid,
  isNotFound,
  type DaemonSetObject,
  type NodeObject,
  type PodObject,
} from "./index.js";
import { DATABASE_FILE, openSqliteStore, type SqliteStore } from "./sqlite-store.js";
import { daemonSet, names, node, pod, tempDir } from "./testing/fixtures.js";

const NOW = new Date("2026-11-23T10:00:00.789Z");

describe("SqliteStore objects", () => {
  const tmp = tempDir();
  let store: SqliteStore;
  before(() => {
    store = openSqliteStore(join(tmp.dir, "hub"), { now: () => NOW });
  });
  after(() => {
    store.close();
    tmp.remove();
  });

  it("creates the directory private to the hub", () => {
    assert.equal(statSync(join(tmp.dir, "hub")).mode & 0o777, 0o700);
    assert.ok(statSync(join(tmp.dir, "hub", DATABASE_FILE)).isFile());
  });

  it("assigns uid, resourceVersion, generation and a seconds timestamp on create", () => {
    const input = daemonSet("web");
    const created = store.create(input);
    assert.match(created.metadata.uid ?? "", /^[0-9a-f-]{36}$/);
    assert.match(created.metadata.resourceVersion ?? "", /^\d+$/);
    assert.equal(created.metadata.generation, 1);
    assert.equal(created.metadata.creationTimestamp, "2026-11-23T10:00:00Z");
    assert.equal(input.metadata.uid, undefined, "the caller's object is not modified");
    assert.deepEqual(store.get("DaemonSet", "default", "web"), created);
  });

  it("refuses a second object of the same name, Kubernetes-worded", () => {
    assert.throws(
      () => store.create(daemonSet("web")),
      (e) =>
        isAlreadyExists(e) &&
        e.reason === "AlreadyExists" &&
        e.message === 'daemonsets "web" already exists',
    );
  });

  it("defaults the namespace and keeps cluster-scoped kinds out of namespaces", () => {
    const ds = daemonSet("nsless");
    delete ds.metadata.namespace;
    assert.equal(store.create(ds).metadata.namespace, "default");
    const n = node("n-scope");
    n.metadata.namespace = "kube-system";
    const created = store.create(n);
    assert.equal(created.metadata.namespace, undefined);
    assert.equal(store.get<NodeObject>("Node", "", "n-scope")?.metadata.uid, created.metadata.uid);
    assert.equal(
      store.get<NodeObject>("Node", "other", "n-scope")?.metadata.uid,
      created.metadata.uid,
    );
  });

  it("refuses unknown kinds, wrong apiVersions and missing names", () => {
    const noName = daemonSet("");
    const wrongVersion = { ...node("n-bad"), apiVersion: "apps/v1" };
    const unknownKind = { ...node("n-bad"), kind: "Service" };
    for (const obj of [noName, wrongVersion, unknownKind]) {
      assert.throws(() => store.create(obj), isInvalid);
    }
  });

  it("updates with compare-and-swap and refuses stale or missing versions", () => {
    const v1 = store.create(daemonSet("cas"));
    const v2 = store.update({ ...v1, metadata: { ...v1.metadata, labels: { tier: "a" } } });
    assert.ok(Number(v2.metadata.resourceVersion) > Number(v1.metadata.resourceVersion));
    assert.throws(
      () => store.update({ ...v1, metadata: { ...v1.metadata, labels: { tier: "b" } } }),
      (e) =>
        isConflict(e) &&
        e.reason === "Conflict" &&
        e.message ===
          'Operation cannot be fulfilled on daemonsets "cas": the object has been modified; please apply your changes to the latest version and try again',
    );
    const noVersion = { ...v2.metadata, resourceVersion: undefined };
    assert.throws(() => store.update({ ...v2, metadata: noVersion }), isInvalid);
    assert.deepEqual(store.get<DaemonSetObject>("DaemonSet", "default", "cas")?.metadata.labels, {
      tier: "a",
    });
  });

  it("reports NotFound for updates of objects that do not exist", () => {
    const ghost = { ...daemonSet("ghost"), metadata: { name: "ghost", resourceVersion: "1" } };
    assert.throws(
      () => store.update(ghost),
      (e) => isNotFound(e) && e.message === 'daemonsets "ghost" not found',
    );
    assert.throws(() => store.updateStatus(ghost), isNotFound);
  });

  it("bumps generation only when the spec changes, whatever its key order", () => {
    const v1 = store.create(daemonSet("gen"));
    const relabelled = store.update({ ...v1, metadata: { ...v1.metadata, labels: { x: "1" } } });
    assert.equal(relabelled.metadata.generation, 1);
    assert.ok(relabelled.spec);
    const { selector, template } = relabelled.spec;
    const reordered = store.update({ ...relabelled, spec: { template, selector } });
    assert.equal(reordered.metadata.generation, 1);
    const newImage = daemonSet("gen", "busybox:1.37").spec;
    const changed = store.update({ ...reordered, spec: newImage });
    assert.equal(changed.metadata.generation, 2);
    assert.equal(changed.metadata.uid, v1.metadata.uid);
    assert.equal(changed.metadata.creationTimestamp, v1.metadata.creationTimestamp);
  });

  it("keeps status out of update and spec out of updateStatus", () => {
    const created = store.create(daemonSet("st"));
    const withStatus = store.updateStatus({
      ...created,
      spec: daemonSet("st", "evil:1").spec,
      status: {
        currentNumberScheduled: 2,
        desiredNumberScheduled: 3,
        numberMisscheduled: 0,
        numberReady: 1,
      },
    });
    assert.equal(withStatus.metadata.generation, 1);
    assert.equal(withStatus.spec?.template.spec?.containers[0]?.image, "busybox:1.36");
    assert.equal(withStatus.status?.numberReady, 1);
    const updated = store.update({
      ...withStatus,
      spec: daemonSet("st", "busybox:2").spec,
      status: {
        currentNumberScheduled: 0,
        desiredNumberScheduled: 0,
        numberMisscheduled: 0,
        numberReady: 0,
      },
    });
    assert.equal(updated.status?.numberReady, 1, "update keeps the stored status");
    assert.equal(updated.metadata.generation, 2);
    assert.throws(() => store.updateStatus(withStatus), isConflict);
  });

  it("treats an update that changes nothing as no write", () => {
    const created = store.create(daemonSet("noop"));
    const again = store.update({ ...created });
    assert.equal(again.metadata.resourceVersion, created.metadata.resourceVersion);
  });

  it("compares content, not key order or undefined fields, to tell a status write apart", () => {
    const created = store.create({
      ...pod("status-noop", "n1"),
      status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] },
    });
    const reordered = store.updateStatus({
      ...created,
      status: {
        conditions: [{ status: "True", type: "Ready", reason: undefined }],
        phase: "Running",
      },
    });
    assert.equal(reordered.metadata.resourceVersion, created.metadata.resourceVersion);
    const changed = store.updateStatus({
      ...created,
      status: { phase: "Running", conditions: [{ type: "Ready", status: "False" }] },
    });
    assert.notEqual(changed.metadata.resourceVersion, created.metadata.resourceVersion);
    const fewer = store.updateStatus({ ...changed, status: { phase: "Running" } });
    assert.notEqual(fewer.metadata.resourceVersion, changed.metadata.resourceVersion);
    assert.deepEqual(fewer.status, { phase: "Running" });
  });

  it("writes a status in one read, as the check on the stored object allows", () => {
    const created = store.create({ ...pod("guaranteed", "n1"), status: { phase: "Pending" } });
    const onNode = (want: string) => (stored: PodObject) =>
      stored.spec?.nodeName === want ? { phase: "Running" } : undefined;
    assert.equal(store.guaranteedUpdateStatus("Pod", "default", "guaranteed", onNode("n2")), false);
    assert.equal(store.get<PodObject>("Pod", "default", "guaranteed")?.status?.phase, "Pending");
    assert.equal(store.guaranteedUpdateStatus("Pod", "default", "guaranteed", onNode("n1")), true);
    const written = store.get<PodObject>("Pod", "default", "guaranteed");
    assert.equal(written?.status?.phase, "Running");
    assert.equal(written?.metadata.generation, created.metadata.generation);
    assert.ok(Number(written?.metadata.resourceVersion) > Number(created.metadata.resourceVersion));
    assert.equal(store.guaranteedUpdateStatus("Pod", "default", "guaranteed", onNode("n1")), true);
    assert.equal(
      store.get<PodObject>("Pod", "default", "guaranteed")?.metadata.resourceVersion,
      written?.metadata.resourceVersion,
      "the same status again is no write",
    );
    assert.equal(
      store.guaranteedUpdateStatus("Pod", "default", "ghost", () => ({})),
      false,
    );
  });

  it("deletes with optional uid and resourceVersion preconditions", () => {
    const created = store.create(daemonSet("del"));
    assert.throws(
      () => store.delete("DaemonSet", "default", "del", { uid: "someone-else" }),
      isConflict,
    );
    assert.throws(
      () => store.delete("DaemonSet", "default", "del", { resourceVersion: "1" }),
      (e) =>
        isConflict(e) && /Precondition failed: ResourceVersion in precondition: 1/.test(e.message),
    );
    const deleted = store.delete("DaemonSet", "default", "del", {
      uid: created.metadata.uid,
      resourceVersion: created.metadata.resourceVersion,
    });
    assert.equal(deleted?.metadata.uid, created.metadata.uid);
    assert.ok(Number(deleted?.metadata.resourceVersion) > Number(created.metadata.resourceVersion));
    assert.equal(store.get("DaemonSet", "default", "del"), undefined);
    assert.equal(store.delete("DaemonSet", "default", "del"), undefined);
  });

  it("lists by namespace then name, filtered by namespace and labels", () => {
    for (const [ns, name, tier] of [
      ["b", "z", "web"],
      ["b", "a", "db"],
      ["a", "m", "web"],
    ] as const) {
      store.create({
        ...pod(name, undefined, { tier }),
        metadata: { name, namespace: ns, labels: { tier } },
      });
    }
    const all = store.list<PodObject>("Pod");
    assert.deepEqual(
      all.items
        .filter((p) => p.metadata.namespace !== "default")
        .map((p) => `${p.metadata.namespace}/${p.metadata.name}`),
      ["a/m", "b/a", "b/z"],
    );
    assert.deepEqual(names(store.list("Pod", { namespace: "b" }).items), ["a", "z"]);
    assert.equal(store.list("Pod", { namespace: "" }).items.length, all.items.length);
    assert.deepEqual(names(store.list("Pod", { labelSelector: { tier: "web" } }).items), [
      "m",
      "z",
    ]);
    assert.deepEqual(
      names(store.list("Pod", { namespace: "b", labelSelector: { tier: "web" } }).items),
      ["z"],
    );
  });

  it("lists pods by node from the index, following a change of spec.nodeName", () => {
    store.create(pod("p1", "node-a"));
    store.create(pod("p2", "node-b"));
    const p3 = store.create(pod("p3", "node-a"));
    assert.deepEqual(names(store.list("Pod", { nodeName: "node-a" }).items), ["p1", "p3"]);
    store.update({ ...p3, spec: { ...p3.spec, nodeName: "node-b" } });
    assert.deepEqual(names(store.list("Pod", { nodeName: "node-a" }).items), ["p1"]);
    assert.deepEqual(names(store.list("Pod", { nodeName: "node-b" }).items), ["p2", "p3"]);
    store.delete("Pod", "default", "p1");
    assert.deepEqual(names(store.list("Pod", { nodeName: "node-a" }).items), []);
  });

  it("reports the store's current resourceVersion with a list", () => {
    const created = store.create(daemonSet("rv"));
    assert.equal(store.list("Node").resourceVersion, created.metadata.resourceVersion);
  });
});

describe("SqliteStore on disk", () => {
  const tmp = tempDir();
  after(() => tmp.remove());

  it("keeps everything across close and reopen, and resourceVersion continues", () => {
    const first = openSqliteStore(tmp.dir);
    const ds = first.create(daemonSet("keep"));
    const n = first.create(node("n1"));
    first.delete("Node", "", "n1");
    const last = Number(first.list("Node").resourceVersion);
    assert.ok(last > Number(n.metadata.resourceVersion), "deletes advance the version too");
    first.close();

    const second = openSqliteStore(tmp.dir);
    try {
      assert.deepEqual(second.get("DaemonSet", "default", "keep"), ds);
      assert.equal(second.get("Node", "", "n1"), undefined);
      assert.equal(second.list("Node").resourceVersion, String(last));
      assert.equal(second.create(node("n2")).metadata.resourceVersion, String(last + 1));
    } finally {
      second.close();
    }
  });

  it("refuses a second hub on the same file while the first is open", () => {
    const first = openSqliteStore(tmp.dir);
    try {
      assert.throws(() => openSqliteStore(tmp.dir), /is in use by another hub process/);
    } finally {
      first.close();
    }
  });

  it("refuses a file written by a newer schema", () => {
    const dir = join(tmp.dir, "newer");
    openSqliteStore(dir).close();
    const db = new Database(join(dir, DATABASE_FILE));
    db.pragma("user_version = 99");
    db.close();
    assert.throws(() => openSqliteStore(dir), /schema version 99; this hub understands up to 1/);
  });
});

import { afterEach, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { ObjectCache } from "./object-cache.js";
import { openSqliteStore, type PodObject, type SqliteStore } from "../store/index.js";

function pod(name: string, app: string): PodObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default", labels: { app } },
    spec: { containers: [{ name: "c", image: "busybox:1.36" }] },
  };
}

describe("ObjectCache", () => {
  let dir: string;
  let store: SqliteStore;
  let cache: ObjectCache<PodObject>;
  const names = (pods: PodObject[]) => pods.map((p) => p.metadata.name).sort();

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "daemonlet-cache-"));
    store = openSqliteStore(dir);
  });

  afterEach(async () => {
    cache.stop();
    store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("starts from a list and follows creates, updates and deletes at once", () => {
    store.create(pod("a", "x"));
    const seen: string[] = [];
    cache = new ObjectCache<PodObject>(
      store,
      "Pod",
      (p) => p.metadata.labels?.["app"],
      (e) => seen.push(`${e.type} ${e.object.metadata.name}`),
    );
    cache.start();
    assert.deepEqual(names(cache.list()), ["a"]);
    const b = store.create(pod("b", "x"));
    assert.deepEqual(names(cache.indexed("x")), ["a", "b"]);
    store.update({ ...b, metadata: { ...b.metadata, labels: { app: "y" } } });
    assert.deepEqual(names(cache.indexed("x")), ["a"]);
    assert.deepEqual(names(cache.indexed("y")), ["b"]);
    store.delete("Pod", "default", "a");
    assert.deepEqual(names(cache.list()), ["b"]);
    assert.deepEqual(cache.indexed("x"), []);
    assert.deepEqual(cache.indexKeys(), ["y"]);
    assert.deepEqual(seen, ["ADDED b", "MODIFIED b", "DELETED a"]);
  });

  it("holds a transaction's writes only once it commits", () => {
    cache = new ObjectCache<PodObject>(store, "Pod");
    cache.start();
    store.transaction(() => {
      store.create(pod("a", "x"));
      assert.deepEqual(cache.list(), []);
    });
    assert.deepEqual(names(cache.list()), ["a"]);
    assert.throws(() =>
      store.transaction(() => {
        store.create(pod("b", "x"));
        throw new Error("rolled back");
      }),
    );
    assert.deepEqual(names(cache.list()), ["a"]);
  });
});

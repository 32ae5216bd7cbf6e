import { after, afterEach, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  isAlreadyExists,
  isResourceExpired,
  type KubeObject,
  type PodObject,
  type WatchEvent,
} from "./index.js";
import { openSqliteStore, type SqliteStore } from "./sqlite-store.js";
import { daemonSet, node, pod, tempDir } from "./testing/fixtures.js";

const summary = (e: WatchEvent<KubeObject>) =>
  `${e.type} ${e.object.metadata.name}@${e.resourceVersion}`;

describe("SqliteStore watch", () => {
  const tmp = tempDir();
  let store: SqliteStore;
  let listenerErrors: unknown[];
  let run = 0;
  beforeEach(() => {
    listenerErrors = [];
    store = openSqliteStore(`${tmp.dir}/${run++}`, {
      watchHistory: 4,
      onListenerError: (e) => listenerErrors.push(e),
    });
  });
  afterEach(() => store.close());
  after(() => tmp.remove());

  it("delivers changes in resourceVersion order, a deletion with its own version", () => {
    const seen: string[] = [];
    store.watch("Pod", (e) => seen.push(summary(e)));
    const p = store.create(pod("p", "n1"));
    store.create(node("n1"));
    store.update({ ...p, metadata: { ...p.metadata, labels: { a: "b" } } });
    store.delete("Pod", "default", "p");
    assert.deepEqual(seen, ["ADDED p@1", "MODIFIED p@3", "DELETED p@4"]);
  });

  it("delivers after the write commits, with the object readable from the store", () => {
    const observed: (string | undefined)[] = [];
    store.watch("DaemonSet", (e) => {
      observed.push(store.get("DaemonSet", "default", e.object.metadata.name ?? "")?.metadata.uid);
    });
    const created = store.create(daemonSet("web"));
    assert.deepEqual(observed, [created.metadata.uid]);
  });

  it("holds a transaction's changes until it commits", () => {
    const seen: string[] = [];
    store.watch("Pod", (e) => seen.push(summary(e)));
    store.transaction(() => {
      store.create(pod("a"));
      store.create(pod("b"));
      assert.deepEqual(seen, [], "nothing is delivered inside the transaction");
    });
    assert.deepEqual(seen, ["ADDED a@1", "ADDED b@2"]);
  });

  it("rolls back a transaction that throws, delivering nothing of it", () => {
    const seen: string[] = [];
    store.watch("Pod", (e) => seen.push(summary(e)));
    assert.throws(() =>
      store.transaction(() => {
        store.create(pod("a"));
        store.create(pod("a"));
      }),
    );
    assert.equal(store.get("Pod", "default", "a"), undefined);
    assert.deepEqual(seen, []);
    assert.equal(store.create(pod("c")).metadata.resourceVersion, "1", "the version rolled back");
    assert.deepEqual(seen, ["ADDED c@1"]);
  });

  it("keeps the outer transaction's changes when a nested one throws and is caught", () => {
    const seen: string[] = [];
    store.watch("Pod", (e) => seen.push(summary(e)));
    store.transaction(() => {
      store.create(pod("outer"));
      try {
        store.transaction(() => {
          store.create(pod("inner"));
          throw new Error("give up the inner part");
        });
      } catch {
        // The outer transaction goes on without the inner part.
      }
    });
    assert.deepEqual(seen, ["ADDED outer@1"]);
    assert.equal(store.get("Pod", "default", "inner"), undefined);
  });

  it("keeps a transaction's other writes when one of its writes is refused and caught", () => {
    const seen: string[] = [];
    store.watch("Pod", (e) => seen.push(summary(e)));
    store.transaction(() => {
      store.create(pod("first"));
      assert.throws(() => store.create(pod("first")), isAlreadyExists);
      store.create(pod("second"));
    });
    assert.deepEqual(seen, ["ADDED first@1", "ADDED second@2"]);
  });

  it("refuses an async transaction before it commits anything", async () => {
    const fn = async () => store.create(pod("async"));
    assert.throws(() => store.transaction(fn), /must be synchronous/);
    await Promise.resolve();
    assert.equal(store.get("Pod", "default", "async"), undefined);
  });

  it("replays from a resourceVersion, then goes on live", () => {
    const listed = store.list("Pod").resourceVersion;
    store.create(pod("a"));
    store.create(node("n1"));
    const b = store.create(pod("b"));
    const seen: string[] = [];
    store.watch("Pod", (e) => seen.push(summary(e)), { sinceResourceVersion: listed });
    assert.deepEqual(seen, ["ADDED a@1", "ADDED b@3"]);
    store.delete("Pod", "default", "a");
    assert.deepEqual(seen.slice(2), ["DELETED a@4"]);
    const fromB: string[] = [];
    store.watch("Pod", (e) => fromB.push(summary(e)), {
      sinceResourceVersion: b.metadata.resourceVersion,
    });
    assert.deepEqual(fromB, ["DELETED a@4"]);
  });

  it("answers ResourceExpired for a version older than its history or newer than the store", () => {
    for (let i = 0; i < 6; i++) store.create(pod(`p${i}`));
    const watchFrom = (since: string) =>
      store.watch("Pod", () => {}, { sinceResourceVersion: since });
    assert.throws(
      () => watchFrom("1"),
      (e) =>
        isResourceExpired(e) &&
        e.reason === "Expired" &&
        e.message === "too old resource version: 1 (3)",
    );
    assert.throws(() => watchFrom("7"), isResourceExpired);
    const seen: string[] = [];
    store.watch("Pod", (e) => seen.push(summary(e)), { sinceResourceVersion: "2" });
    assert.deepEqual(seen, ["ADDED p2@3", "ADDED p3@4", "ADDED p4@5", "ADDED p5@6"]);
  });

  it("cannot resume from before the store was opened: its history is in memory", () => {
    const dir = `${tmp.dir}/reopened`;
    const first = openSqliteStore(dir);
    first.create(pod("a"));
    first.create(pod("b"));
    first.close();
    const second = openSqliteStore(dir);
    try {
      assert.throws(
        () => second.watch("Pod", () => {}, { sinceResourceVersion: "1" }),
        isResourceExpired,
      );
      const seen: string[] = [];
      second.watch("Pod", (e) => seen.push(summary(e)), { sinceResourceVersion: "2" });
      second.create(pod("c"));
      assert.deepEqual(seen, ["ADDED c@3"]);
    } finally {
      second.close();
    }
  });

  it("keeps one global order when a listener writes", () => {
    const seen: string[] = [];
    store.watch("Pod", (e) => {
      seen.push(`first saw ${summary(e)}`);
      if (e.type === "ADDED" && e.object.metadata.name === "a") store.create(pod("from-listener"));
    });
    store.watch("Pod", (e) => seen.push(`second saw ${summary(e)}`));
    store.create(pod("a"));
    assert.deepEqual(seen, [
      "first saw ADDED a@1",
      "second saw ADDED a@1",
      "first saw ADDED from-listener@2",
      "second saw ADDED from-listener@2",
    ]);
  });

  it("hands every listener one shared copy, apart from the writer's", () => {
    const copies: PodObject[] = [];
    store.watch<PodObject>("Pod", (e) => copies.push(e.object));
    store.watch<PodObject>("Pod", (e) => copies.push(e.object));
    const written = store.create(pod("a"));
    written.metadata.name = "changed by the writer";
    assert.equal(copies.length, 2);
    assert.equal(copies[0], copies[1]);
    assert.equal(copies[0]?.metadata.name, "a");
  });

  it("isolates a throwing listener from the write and from other listeners", () => {
    const boom = new Error("listener bug");
    const seen: string[] = [];
    store.watch("Pod", () => {
      throw boom;
    });
    store.watch("Pod", (e) => seen.push(summary(e)));
    const created = store.create(pod("a"));
    assert.equal(created.metadata.resourceVersion, "1");
    assert.deepEqual(seen, ["ADDED a@1"]);
    assert.deepEqual(listenerErrors, [boom]);
  });

  it("stops delivering once unsubscribed", () => {
    const seen: string[] = [];
    const stop = store.watch("Pod", (e) => seen.push(summary(e)));
    store.create(pod("a"));
    stop();
    store.create(pod("b"));
    assert.deepEqual(seen, ["ADDED a@1"]);
  });
});

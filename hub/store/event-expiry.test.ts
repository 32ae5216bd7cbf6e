import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { EventObject, KubeObject, WatchEvent } from "./index.js";
import { openSqliteStore } from "./sqlite-store.js";
import { event, names, tempDir } from "./testing/fixtures.js";

const MINUTE = 60 * 1000;

describe("SqliteStore event expiry", () => {
  const tmp = tempDir();
  after(() => tmp.remove());

  it("drops events an hour after their last write, on a later event write", () => {
    let now = Date.parse("2026-11-23T10:00:00Z");
    const store = openSqliteStore(tmp.dir, { now: () => new Date(now) });
    try {
      const seen: WatchEvent<KubeObject>[] = [];
      store.watch("Event", (e) => seen.push(e));
      store.create(event("old", "created at 10:00"));
      const refreshed = store.create(event("refreshed", "created at 10:00"));
      now += 30 * MINUTE;
      store.update<EventObject>({ ...refreshed, count: 2, message: "seen again at 10:30" });
      now += 31 * MINUTE;
      store.create(event("new", "created at 11:01"));
      assert.deepEqual(names(store.list("Event").items), ["new", "refreshed"]);
      assert.deepEqual(
        seen.filter((e) => e.type === "DELETED").map((e) => e.object.metadata.name),
        ["old"],
        "watchers hear of the expiry",
      );
    } finally {
      store.close();
    }
  });

  it("prunes on demand and says how many went", () => {
    const store = openSqliteStore(`${tmp.dir}/on-demand`);
    try {
      store.create(event("a", "1"));
      store.create(event("b", "2"));
      assert.equal(store.pruneEvents(new Date(Date.now() - MINUTE)), 0);
      assert.equal(store.pruneEvents(new Date(Date.now() + MINUTE)), 2);
      assert.deepEqual(store.list("Event").items, []);
    } finally {
      store.close();
    }
  });
});

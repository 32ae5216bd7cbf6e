import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { join } from "node:path";
import { setImmediate as endOfTurn } from "node:timers/promises";
import { WriteBatch } from "./write-batch.js";
import { openSqliteStore, type SqliteStore } from "./store/index.js";
import { pod, tempDir } from "./store/testing/fixtures.js";

describe("write batch", () => {
  const tmp = tempDir();
  let store: SqliteStore;
  before(() => {
    store = openSqliteStore(join(tmp.dir, "hub"));
  });
  after(() => {
    store.close();
    tmp.remove();
  });

  it("commits the turn's writes together, and a failing one alone is undone", async () => {
    const batch = new WriteBatch(store);
    const seen: string[] = [];
    const unwatch = store.watch("Pod", (e) => seen.push(e.object.metadata.name ?? ""));
    const failures: unknown[] = [];
    batch.add(
      () => store.create(pod("a", "n1")),
      (e) => failures.push(e),
    );
    batch.add(
      () => {
        store.create(pod("half", "n1"));
        throw new Error("b failed");
      },
      (e) => failures.push(e),
    );
    batch.add(
      () => store.create(pod("c", "n1")),
      (e) => failures.push(e),
    );
    assert.deepEqual(seen, [], "nothing is written in the caller's turn");
    await endOfTurn();
    assert.deepEqual(seen, ["a", "c"]);
    assert.equal(store.get("Pod", "default", "half"), undefined);
    assert.deepEqual(failures.map(String), ["Error: b failed"]);
    unwatch();
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setImmediate as endOfTurn } from "node:timers/promises";
import { WriteBatch } from "./write-batch.js";
import { pod, tempStore } from "./store/testing/fixtures.js";

describe("write batch", () => {
  const fixture = tempStore();

  it("commits the turn's writes together, and a failing one alone is undone", async () => {
    const batch = new WriteBatch(fixture.store);
    const seen: string[] = [];
    const unwatch = fixture.store.watch("Pod", (e) => seen.push(e.object.metadata.name ?? ""));
    const failures: unknown[] = [];
    batch.add(
      () => fixture.store.create(pod("a", "n1")),
      (e) => failures.push(e),
    );
    batch.add(
      () => {
        fixture.store.create(pod("half", "n1"));
        throw new Error("b failed");
      },
      (e) => failures.push(e),
    );
    batch.add(
      () => fixture.store.create(pod("c", "n1")),
      (e) => failures.push(e),
    );
    assert.deepEqual(seen, [], "nothing is written in the caller's turn");
    await endOfTurn();
    assert.deepEqual(seen, ["a", "c"]);
    assert.equal(fixture.store.get("Pod", "default", "half"), undefined);
    assert.deepEqual(failures.map(String), ["Error: b failed"]);
    unwatch();
  });
});

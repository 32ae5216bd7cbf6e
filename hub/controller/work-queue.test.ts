import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { setImmediate as nextTurn } from "node:timers/promises";
import { WorkQueue } from "./work-queue.js";
import { waitFor } from "../../test/support/wait.js";

/** A queue whose syncs take `costMs` each on its clock (the clock jumps; nothing waits). */
function queue(costMs: number, paceFactor: number) {
  let offset = 0;
  const synced: string[] = [];
  const q = new WorkQueue(
    (key) => {
      synced.push(key);
      offset += costMs;
    },
    () => {},
    paceFactor,
    () => performance.now() + offset,
  );
  return { q, synced };
}

describe("WorkQueue", () => {
  it("syncs a key added many times in one turn once", async () => {
    const { q, synced } = queue(0, 3);
    q.add("a");
    q.add("a");
    q.add("b");
    await waitFor(() => synced.length === 2, { what: "two syncs" });
    await nextTurn();
    assert.deepEqual(synced, ["a", "b"]);
    q.stop();
  });

  it("holds a costly key back after its sync and takes every add meanwhile in one sync", async () => {
    const { q, synced } = queue(20, 3);
    q.add("a");
    await waitFor(() => synced.length === 1, { what: "the first sync" });
    q.add("a");
    q.add("a");
    await nextTurn();
    await nextTurn();
    assert.deepEqual(synced, ["a"], "paced, not synced at once");
    await waitFor(() => synced.length === 2, { what: "the paced sync" });
    q.add("b");
    await waitFor(() => synced.includes("b"), { what: "another key" });
    assert.deepEqual(synced, ["a", "a", "b"]);
    q.stop();
  });

  it("paces by the cost a sync reports, not by all of its time", async () => {
    let offset = 0;
    const synced: string[] = [];
    const q = new WorkQueue(
      (key) => {
        synced.push(key);
        offset += 1000;
        return 0;
      },
      () => {},
      3,
      () => performance.now() + offset,
    );
    q.add("a");
    await waitFor(() => synced.length === 1, { what: "the first sync" });
    q.add("a");
    await waitFor(() => synced.length === 2, { what: "the second sync, unpaced" });
    q.stop();
  });

  it("does not pace with a factor of 0", async () => {
    const { q, synced } = queue(20, 0);
    q.add("a");
    await waitFor(() => synced.length === 1, { what: "the first sync" });
    q.add("a");
    await waitFor(() => synced.length === 2, { what: "the second sync" });
    q.stop();
  });

  it("retries a failing sync with back-off and tells why", async () => {
    const errors: string[] = [];
    let calls = 0;
    const q = new WorkQueue(
      () => {
        calls++;
        if (calls === 1) throw new Error("boom");
      },
      (key, err) => errors.push(`${key}: ${String(err)}`),
    );
    q.add("a");
    await waitFor(() => calls === 2, { what: "the retry" });
    assert.deepEqual(errors, ["a: Error: boom"]);
    q.stop();
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setImmediate as turn } from "node:timers/promises";
import { SliceQueue } from "./slice-queue.js";

describe("slice queue", () => {
  it("runs jobs in order, a slice's worth per event-loop turn", async () => {
    let clock = 0;
    const errors: unknown[] = [];
    const queue = new SliceQueue(
      (e) => errors.push(e),
      10,
      () => clock,
    );
    const ran: number[] = [];
    for (let i = 0; i < 7; i++) {
      queue.add(() => {
        ran.push(i);
        clock += 4;
        if (i === 1) throw new Error("job 1 failed");
      });
    }
    assert.deepEqual(ran, [], "nothing runs in the caller's turn");
    await turn();
    assert.deepEqual(ran, [0, 1, 2], "a slice stops once its 10 ms are spent");
    await turn();
    assert.deepEqual(ran, [0, 1, 2, 3, 4, 5]);
    await turn();
    assert.deepEqual(ran, [0, 1, 2, 3, 4, 5, 6]);
    assert.equal(queue.length, 0);
    assert.deepEqual(
      errors.map((e) => String(e)),
      ["Error: job 1 failed"],
    );
    let again = false;
    queue.add(() => (again = true));
    await turn();
    assert.ok(again, "an emptied queue starts again");
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { waitFor } from "../../test/support/wait.js";
import { ProbeClock, slotOf } from "./probe-clock.js";

describe("slotOf", () => {
  it("is the first slot boundary at or after the time", () => {
    assert.equal(slotOf(0), 0);
    assert.equal(slotOf(1), 1000);
    assert.equal(slotOf(1000), 1000);
    assert.equal(slotOf(10_999.5), 11_000);
    assert.equal(slotOf(45, 20), 60);
  });
});

describe("ProbeClock", () => {
  it("runs everything due in one slot on one wake, with the slot's time", async () => {
    const clock = new ProbeClock(50);
    const ran: { name: string; slot: number; turn: number }[] = [];
    // Bumped once per event loop turn: runs on one wake share its value.
    let turn = 0;
    const bump = () => {
      turn++;
      if (ran.length < 4) setImmediate(bump);
    };
    bump();
    const t = clock.now();
    const target = slotOf(t + 200, 50);
    for (const [i, name] of ["a", "b", "c"].entries()) {
      clock.at(target - 40 + i * 10, (slot) => ran.push({ name, slot, turn }));
    }
    const cancel = clock.at(target - 1, () => ran.push({ name: "cancelled", slot: 0, turn }));
    cancel();
    clock.at(target + 1, (slot) => ran.push({ name: "later", slot, turn }));
    await waitFor(() => ran.length === 4 || undefined, { what: "all four to run" });
    const [a, b, c, later] = ran;
    assert.deepEqual(
      ran.map((r) => r.name),
      ["a", "b", "c", "later"],
    );
    assert.equal(a?.slot, slotOf(t + 200, 50));
    assert.ok(a?.slot === b?.slot && b?.slot === c?.slot);
    assert.ok(a?.turn === b?.turn && b?.turn === c?.turn, "a, b and c ran on the same wake");
    assert.equal(later?.slot, (a?.slot ?? 0) + 50);
  });

  it("keeps an earlier slot when a run asks for a later one", async () => {
    const clock = new ProbeClock(20);
    const t = clock.now();
    const ran: string[] = [];
    clock.at(t + 10, () => {
      ran.push("first");
      clock.at(t + 200, () => ran.push("asked by first"));
    });
    clock.at(t + 60, () => ran.push("second"));
    await waitFor(() => ran.length === 3 || undefined, { what: "all three to run" });
    assert.deepEqual(ran, ["first", "second", "asked by first"]);
  });
});

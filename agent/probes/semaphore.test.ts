import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setImmediate as settled } from "node:timers/promises";
import { Semaphore } from "./semaphore.js";

describe("Semaphore", () => {
  it("lets `limit` holders in, then waiters in arrival order as slots come back", async () => {
    const slots = new Semaphore(2);
    const admitted: string[] = [];
    const enter = (name: string) =>
      slots.acquire().then((release) => {
        admitted.push(name);
        return release;
      });
    const a = enter("a");
    const b = enter("b");
    const c = enter("c");
    const d = enter("d");
    await settled();
    assert.deepEqual(admitted, ["a", "b"]);

    const releaseA = await a;
    releaseA();
    releaseA(); // a second call gives nothing back
    await settled();
    assert.deepEqual(admitted, ["a", "b", "c"]);

    (await b)();
    await settled();
    assert.deepEqual(admitted, ["a", "b", "c", "d"]);

    (await c)();
    (await d)();
    const e = enter("e");
    const f = enter("f");
    const g = enter("g");
    await settled();
    assert.deepEqual(admitted.slice(4), ["e", "f"], "two slots, no more, after all came back");
    for (const release of await Promise.all([e, f])) release();
    (await g)();
  });
});

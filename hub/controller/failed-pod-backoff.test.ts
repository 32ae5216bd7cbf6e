import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { FailedPodBackoff } from "./failed-pod-backoff.js";

describe("failed daemon pod back-off", () => {
  it("replaces at once, then after 1 s, 2 s, 4 s …", () => {
    const b = new FailedPodBackoff();
    assert.equal(b.mayReplace("ds/n1", 0), true);
    assert.equal(b.mayReplace("ds/n1", 500), false);
    assert.equal(b.mayReplace("ds/n1", 1000), true);
    assert.equal(b.mayReplace("ds/n1", 2500), false);
    assert.equal(b.mayReplace("ds/n1", 3000), true);
    assert.equal(b.mayReplace("ds/n1", 6999), false);
    assert.equal(b.mayReplace("ds/n1", 7000), true);
  });

  it("keeps nodes apart and stops doubling at 15 minutes", () => {
    const b = new FailedPodBackoff();
    let t = 0;
    for (let i = 0; i < 20; i++) {
      while (!b.mayReplace("ds/n1", t)) t += 1000;
    }
    assert.equal(b.mayReplace("ds/n2", t), true);
    assert.equal(b.mayReplace("ds/n1", t + 15 * 60_000 - 1000), false);
    assert.equal(b.mayReplace("ds/n1", t + 15 * 60_000), true);
  });
});

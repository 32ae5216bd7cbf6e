import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFAULT_RECONNECT_POLICY, ReconnectBackoff } from "./reconnect-backoff.js";

/** The upper bound of each delay: with random() just below 1, full jitter reaches it. */
function ceilings(backoff: ReconnectBackoff, count: number): number[] {
  return Array.from({ length: count }, () => backoff.nextDelayMs());
}

describe("reconnect back-off", () => {
  it("doubles from 0.5 s to a 30 s cap", () => {
    const backoff = new ReconnectBackoff(DEFAULT_RECONNECT_POLICY, () => 0.999999);
    assert.deepEqual(
      ceilings(backoff, 10),
      [499, 999, 1999, 3999, 7999, 15999, 29999, 29999, 29999, 29999],
    );
  });

  it("draws each delay uniformly below its bound (full jitter)", () => {
    const draws = [0, 0.5, 0.25];
    const backoff = new ReconnectBackoff(DEFAULT_RECONNECT_POLICY, () => draws.shift() ?? 0);
    assert.deepEqual(ceilings(backoff, 3), [0, 500, 500]);
  });

  it("starts over after a connection that lasted, and not after a short one", () => {
    const backoff = new ReconnectBackoff(DEFAULT_RECONNECT_POLICY, () => 0.999999);
    ceilings(backoff, 3);
    backoff.connectionEnded(10_000);
    assert.equal(backoff.nextDelayMs(), 3999, "10 s is not longer than 10 s");
    backoff.connectionEnded(0);
    assert.equal(backoff.nextDelayMs(), 7999);
    backoff.connectionEnded(10_001);
    assert.equal(backoff.nextDelayMs(), 499);
  });
});

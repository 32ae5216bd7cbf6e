import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFAULT_RECONNECT_POLICY, ReconnectBackoff, isRefused } from "./reconnect-backoff.js";

/** The upper bound of each delay: with random() just below 1, full jitter reaches it. */
function ceilings(backoff: ReconnectBackoff, count: number): number[] {
  return Array.from({ length: count }, () => backoff.nextDelayMs());
}

describe("reconnect back-off", () => {
  it("doubles from 1 s to a 30 s cap", () => {
    const backoff = new ReconnectBackoff(DEFAULT_RECONNECT_POLICY, () => 0.999999);
    assert.deepEqual(ceilings(backoff, 8), [999, 1999, 3999, 7999, 15999, 29999, 29999, 29999]);
  });

  it("draws each delay uniformly below its bound (full jitter)", () => {
    const draws = [0, 0.5, 0.25];
    const backoff = new ReconnectBackoff(DEFAULT_RECONNECT_POLICY, () => draws.shift() ?? 0);
    assert.deepEqual(ceilings(backoff, 3), [0, 1000, 1000]);
  });

  it("starts over after a connection that lasted, and not after a short one", () => {
    const backoff = new ReconnectBackoff(DEFAULT_RECONNECT_POLICY, () => 0.999999);
    ceilings(backoff, 3);
    backoff.connectionEnded({ lastedMs: 10_000 });
    assert.equal(backoff.nextDelayMs(), 7999, "10 s is not longer than 10 s");
    backoff.connectionEnded({ lastedMs: 0 });
    assert.equal(backoff.nextDelayMs(), 15999);
    backoff.connectionEnded({ lastedMs: 10_001 });
    assert.equal(backoff.nextDelayMs(), 999);
  });

  it("waits at most 5 s while the hub refuses connections, and longer once it fails otherwise", () => {
    const backoff = new ReconnectBackoff(DEFAULT_RECONNECT_POLICY, () => 0.999999);
    const refused = Array.from({ length: 6 }, () => {
      backoff.connectionEnded({ lastedMs: 0, refused: true });
      return backoff.nextDelayMs();
    });
    assert.deepEqual(refused, [999, 1999, 3999, 4999, 4999, 4999]);
    backoff.connectionEnded({ lastedMs: 0 });
    assert.equal(backoff.nextDelayMs(), 7999, "a timeout goes on doubling from where it was");
  });

  it("tells a refused connection from other failures", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), {
      code: "ECONNREFUSED",
    });
    assert.equal(isRefused(refused), true);
    assert.equal(isRefused(new Error("socket hang up")), false);
    assert.equal(isRefused(undefined), false);
  });
});

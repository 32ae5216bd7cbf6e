import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { failure, success, type ProbeOutcome } from "./probe-result.js";
import { ProbeTracker } from "./probe-tracker.js";

// S = a passing run, F = a failing run; `after` is the result in force after each run.
type Row = [
  name: string,
  thresholds: [success: number, failure: number],
  initial: ProbeOutcome | undefined,
  runs: string,
  after: (ProbeOutcome | undefined)[],
];

const S = "success";
const F = "failure";

describe("ProbeTracker", () => {
  const rows: Row[] = [
    ["thresholds of 1 follow every run", [1, 1], F, "SFS", [S, F, S]],
    ["liveness stays healthy until 3 failures in a row", [1, 3], S, "FFF", [S, S, F]],
    ["a success in between restarts the failure count", [1, 3], S, "FFSFF", [S, S, S, S, S]],
    ["one success recovers after failing", [1, 3], S, "FFFS", [S, S, F, S]],
    ["readiness needs 2 successes in a row", [2, 3], F, "SFSS", [F, F, F, S]],
    [
      "readiness stays ready through fewer failures than the threshold",
      [1, 3],
      F,
      "SFFS",
      [S, S, S, S],
    ],
    [
      "startup is undecided until a result crosses its threshold",
      [1, 3],
      undefined,
      "FFS",
      [undefined, undefined, S],
    ],
    ["startup fails after failureThreshold", [1, 2], undefined, "FF", [undefined, F]],
    ["runs past the threshold keep the result", [1, 2], S, "FFFF", [S, F, F, F]],
  ];
  for (const [name, [successThreshold, failureThreshold], initial, runs, after] of rows) {
    it(name, () => {
      const tracker = new ProbeTracker({ successThreshold, failureThreshold }, initial);
      const seen = [...runs].map((r) => {
        tracker.record(r === "S" ? success() : failure("boom"));
        return tracker.result;
      });
      assert.deepEqual(seen, after);
    });
  }

  it("says when the result in force changed", () => {
    const tracker = new ProbeTracker({ successThreshold: 1, failureThreshold: 2 }, S);
    assert.deepEqual(
      [failure("a"), failure("b"), failure("c"), success()].map((r) => tracker.record(r)),
      [false, true, false, true],
    );
  });

  it("keeps the message of the run that put the result in force", () => {
    const tracker = new ProbeTracker({ successThreshold: 1, failureThreshold: 2 }, S);
    tracker.record(failure("first"));
    assert.equal(tracker.lastMessage, "");
    tracker.record(failure("second"));
    assert.equal(tracker.lastMessage, "second");
  });
});

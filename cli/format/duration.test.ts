import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { age, humanDuration } from "./duration.js";

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;

// Each row is what `kubectl get` prints in the AGE column for that duration.
const cases: [number, string][] = [
  [0, "0s"],
  [-1500, "0s"], // a second of clock skew reads as now
  [-2500, "<invalid>"],
  [45 * s, "45s"],
  [119 * s + 999, "119s"],
  [2 * m, "2m"],
  [3 * m + 12 * s, "3m12s"],
  [9 * m + 59 * s, "9m59s"],
  [10 * m + 30 * s, "10m"],
  [179 * m, "179m"],
  [3 * h, "3h"],
  [5 * h + 10 * m + 40 * s, "5h10m"],
  [7 * h + 59 * m, "7h59m"],
  [8 * h + 30 * m, "8h"],
  [47 * h + 59 * m, "47h"],
  [2 * d, "2d"],
  [2 * d + 3 * h, "2d3h"],
  [7 * d + 23 * h, "7d23h"],
  [8 * d + 5 * h, "8d"],
  [12 * d, "12d"],
  [729 * d, "729d"],
  [730 * d, "2y"],
  [800 * d, "2y70d"],
  [8 * 365 * d + 40 * d, "8y"],
  [10 * 365 * d, "10y"],
];

describe("humanDuration", () => {
  for (const [milliseconds, expected] of cases) {
    it(`prints ${milliseconds} ms as ${expected}`, () => {
      assert.equal(humanDuration(milliseconds), expected);
    });
  }
});

describe("age", () => {
  const now = new Date("2024-05-01T12:00:00Z");

  it("counts from an RFC 3339 timestamp", () => {
    assert.equal(age("2024-05-01T11:56:48Z", now), "3m12s");
    assert.equal(age("2024-05-01T13:56:48+02:00", now), "3m12s");
  });

  it("prints <unknown> without a usable timestamp", () => {
    assert.equal(age(undefined, now), "<unknown>");
    assert.equal(age("yesterday", now), "<unknown>");
  });
});

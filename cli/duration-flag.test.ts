import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseDuration } from "./duration-flag.js";

describe("parseDuration", () => {
  const good: [string, number][] = [
    ["0", 0],
    ["30", 30_000],
    ["30s", 30_000],
    ["5m", 300_000],
    ["1m30s", 90_000],
    ["1h", 3_600_000],
    ["250ms", 250],
    ["1.5s", 1500],
  ];
  for (const [text, ms] of good)
    it(`${text} is ${ms} ms`, () => assert.equal(parseDuration(text, "--timeout"), ms));

  for (const bad of ["", "5x", "m", "1m 30s", "-1s"]) {
    it(`refuses ${JSON.stringify(bad)}`, () =>
      assert.throws(() => parseDuration(bad, "--timeout"), /--timeout: invalid duration/));
  }
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseTailLines } from "./node-logs.js";

describe("parseTailLines", () => {
  for (const [text, lines] of [
    ["10", 10],
    ["0", 0],
    ["-1", -1],
    ["+3", 3],
  ] as const) {
    it(`reads ${text}`, () => assert.equal(parseTailLines(text), lines));
  }
  for (const bad of ["", "ten", "1.5", "1e3", "99999999999999999999"]) {
    it(`refuses ${JSON.stringify(bad)}`, () =>
      assert.throws(() => parseTailLines(bad), { message: "must be an integer" }));
  }
});

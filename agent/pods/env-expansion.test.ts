import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { expandVars } from "./env-expansion.js";

describe("expandVars", () => {
  const vars: Record<string, string> = { A: "alpha", B: "beta", EMPTY: "" };
  const lookup = (name: string) => vars[name];
  // Cases from the kubelet's expansion tests, where they apply.
  const cases: [string, string][] = [
    ["$(A)", "alpha"],
    ["x-$(A)-$(B)-y", "x-alpha-beta-y"],
    ["$(EMPTY)", ""],
    ["$(UNKNOWN)", "$(UNKNOWN)"],
    ["$$(A)", "$(A)"],
    ["$$$(A)", "$alpha"],
    ["$$$$(A)", "$$(A)"],
    ["$$", "$"],
    ["$A", "$A"],
    ["$", "$"],
    ["a$", "a$"],
    ["$(A", "$(A"],
    ["$()", "$()"],
    ["$(A)$(B)", "alphabeta"],
    ["no vars", "no vars"],
    ["", ""],
  ];
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input)} → ${JSON.stringify(expected)}`, () => {
      assert.equal(expandVars(input, lookup), expected);
    });
  }
});

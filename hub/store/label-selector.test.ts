import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { labelSelectorMatches } from "./label-selector.js";

const labels = { app: "web", tier: "front" };

describe("labelSelectorMatches", () => {
  it("matches everything with an empty selector", () => {
    assert.equal(labelSelectorMatches({}, labels), true);
    assert.equal(labelSelectorMatches({}, undefined), true);
  });

  it("requires every matchLabels pair", () => {
    assert.equal(labelSelectorMatches({ matchLabels: { app: "web" } }, labels), true);
    assert.equal(
      labelSelectorMatches({ matchLabels: { app: "web", tier: "back" } }, labels),
      false,
    );
    assert.equal(labelSelectorMatches({ matchLabels: { app: "web" } }, undefined), false);
  });

  it("applies In, NotIn, Exists and DoesNotExist, ANDed with matchLabels", () => {
    const cases: [string, string[] | undefined, string, boolean][] = [
      ["In", ["web", "api"], "app", true],
      ["In", ["api"], "app", false],
      ["In", ["web"], "missing", false],
      ["NotIn", ["api"], "app", true],
      ["NotIn", ["web"], "app", false],
      ["NotIn", ["web"], "missing", true],
      ["Exists", undefined, "tier", true],
      ["Exists", undefined, "missing", false],
      ["DoesNotExist", undefined, "missing", true],
      ["DoesNotExist", undefined, "tier", false],
    ];
    for (const [operator, values, key, expected] of cases) {
      const selector = {
        matchLabels: { app: "web" },
        matchExpressions: [{ key, operator, values }],
      };
      assert.equal(
        labelSelectorMatches(selector, labels),
        expected,
        `${key} ${operator} ${values}`,
      );
    }
  });

  it("matches nothing with a malformed requirement", () => {
    for (const req of [
      { key: "app", operator: "In", values: [] },
      { key: "app", operator: "NotIn" },
      { key: "app", operator: "Gt", values: ["1"] },
    ]) {
      assert.equal(labelSelectorMatches({ matchExpressions: [req] }, labels), false, req.operator);
    }
  });

  it("does not find labels on Object.prototype", () => {
    const selector = { matchExpressions: [{ key: "constructor", operator: "Exists" }] };
    assert.equal(labelSelectorMatches(selector, labels), false);
  });
});

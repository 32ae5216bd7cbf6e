import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { LabelSelector } from "kubernetes-types/meta/v1.js";
import { isEmptySelector, selectorMatches } from "./label-selector.js";

describe("selectorMatches", () => {
  const labels = { app: "web", tier: "front" };
  const cases: [string, LabelSelector, boolean][] = [
    ["matchLabels subset", { matchLabels: { app: "web" } }, true],
    ["matchLabels mismatch", { matchLabels: { app: "db" } }, false],
    ["In", { matchExpressions: [{ key: "app", operator: "In", values: ["db", "web"] }] }, true],
    [
      "In, label missing",
      { matchExpressions: [{ key: "x", operator: "In", values: ["a"] }] },
      false,
    ],
    ["NotIn", { matchExpressions: [{ key: "app", operator: "NotIn", values: ["web"] }] }, false],
    [
      "NotIn, label missing",
      { matchExpressions: [{ key: "x", operator: "NotIn", values: ["a"] }] },
      true,
    ],
    ["Exists", { matchExpressions: [{ key: "tier", operator: "Exists" }] }, true],
    ["DoesNotExist", { matchExpressions: [{ key: "tier", operator: "DoesNotExist" }] }, false],
    [
      "labels and expressions together",
      {
        matchLabels: { app: "web" },
        matchExpressions: [{ key: "tier", operator: "In", values: ["back"] }],
      },
      false,
    ],
  ];
  for (const [name, selector, expected] of cases) {
    it(name, () => assert.equal(selectorMatches(selector, labels), expected));
  }

  it("knows an empty selector", () => {
    assert.equal(isEmptySelector({}), true);
    assert.equal(isEmptySelector({ matchLabels: {}, matchExpressions: [] }), true);
    assert.equal(isEmptySelector({ matchLabels: { a: "b" } }), false);
  });
});

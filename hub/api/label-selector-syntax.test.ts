import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { LabelSelector } from "kubernetes-types/meta/v1.js";
import { labelSelectorMatches } from "../store/index.js";
import { parseLabelSelector } from "./label-selector-syntax.js";
import { isRequestError } from "./request-error.js";

describe("parseLabelSelector", () => {
  const cases: [string, LabelSelector][] = [
    ["", {}],
    ["  ", {}],
    ["app=web", { matchExpressions: [{ key: "app", operator: "In", values: ["web"] }] }],
    ["app==web", { matchExpressions: [{ key: "app", operator: "In", values: ["web"] }] }],
    ["tier!=db", { matchExpressions: [{ key: "tier", operator: "NotIn", values: ["db"] }] }],
    ["app=", { matchExpressions: [{ key: "app", operator: "In", values: [""] }] }],
    [
      "zone in (a, b),arch notin (arm)",
      {
        matchExpressions: [
          { key: "zone", operator: "In", values: ["a", "b"] },
          { key: "arch", operator: "NotIn", values: ["arm"] },
        ],
      },
    ],
    [
      "gpu, !canary",
      {
        matchExpressions: [
          { key: "gpu", operator: "Exists" },
          { key: "canary", operator: "DoesNotExist" },
        ],
      },
    ],
    [
      "example.com/role=edge,in=notin",
      {
        matchExpressions: [
          { key: "example.com/role", operator: "In", values: ["edge"] },
          { key: "in", operator: "In", values: ["notin"] },
        ],
      },
    ],
  ];
  for (const [input, expected] of cases) {
    it(`parses ${JSON.stringify(input)}`, () =>
      assert.deepEqual(parseLabelSelector(input), expected));
  }

  const refusals: [string, string][] = [
    ["app in (a", 'expected "," or ")" in the values of in, found the end'],
    ["app in ()", "in needs at least one value"],
    ["app notin a", 'expected "(" after notin'],
    ["app=web tier=db", 'expected "," between requirements, found "tier"'],
    ["app=web,", "expected a label key, found the end"],
    ["!", "expected a label key, found the end"],
    ["app>1", "< and > are not supported here"],
    ["app=we b", 'expected "," between requirements, found "b"'],
    ["bad key!=x", 'expected an operator after "bad", found "key"'],
    ["-x=y", '"-x" is not a label key'],
    ["x=-y", '"-y" is not a label value'],
  ];
  for (const [input, what] of refusals) {
    it(`refuses ${JSON.stringify(input)}`, () => {
      assert.throws(
        () => parseLabelSelector(input),
        (error) =>
          isRequestError(error) &&
          error.reason === "Invalid" &&
          error.message === `invalid label selector ${JSON.stringify(input)}: ${what}`,
      );
    });
  }

  it("matches like kubectl: != and notin also select objects without the label", () => {
    const select = (selector: string, labels: Record<string, string>) =>
      labelSelectorMatches(parseLabelSelector(selector), labels);
    assert.equal(select("tier!=db", {}), true);
    assert.equal(select("tier!=db", { tier: "db" }), false);
    assert.equal(select("tier notin (db)", { tier: "web" }), true);
    assert.equal(select("app=web,!canary", { app: "web" }), true);
    assert.equal(select("app=web,!canary", { app: "web", canary: "" }), false);
    assert.equal(select("zone in (a,b)", { zone: "c" }), false);
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatLabels, formatLabelSelector } from "./labels.js";

describe("formatLabels", () => {
  it("sorts by key and joins with commas", () => {
    assert.equal(formatLabels({ zone: "a", disk: "ssd" }), "disk=ssd,zone=a");
  });
  it("prints <none> when there are none", () => {
    assert.equal(formatLabels(undefined), "<none>");
    assert.equal(formatLabels({}), "<none>");
  });
});

describe("formatLabelSelector", () => {
  const cases: [string, Parameters<typeof formatLabelSelector>[0], string][] = [
    ["matchLabels", { matchLabels: { name: "fluentd", app: "logs" } }, "app=logs,name=fluentd"],
    [
      "every operator, sorted by key, values sorted",
      {
        matchLabels: { tier: "node" },
        matchExpressions: [
          { key: "zone", operator: "In", values: ["b", "a"] },
          { key: "canary", operator: "DoesNotExist" },
          { key: "arch", operator: "NotIn", values: ["arm"] },
          { key: "disk", operator: "Exists" },
        ],
      },
      "arch notin (arm),!canary,disk,tier=node,zone in (a,b)",
    ],
    ["an empty selector", {}, "<none>"],
    ["no selector", undefined, "<none>"],
  ];
  for (const [name, selector, expected] of cases) {
    it(`formats ${name}`, () => assert.equal(formatLabelSelector(selector), expected));
  }
});

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { nodeSelectorMismatches } from "./node-selector.js";
import { node } from "./test-fixture.js";

describe("nodeSelector: every pair must equal a node label", () => {
  const rows: [string, Record<string, string> | undefined, Record<string, string>, string[]][] = [
    ["no selector", undefined, { disktype: "hdd" }, []],
    ["empty selector", {}, {}, []],
    ["one pair matches", { disktype: "ssd" }, { disktype: "ssd", zone: "a" }, []],
    ["all pairs match", { disktype: "ssd", zone: "a" }, { disktype: "ssd", zone: "a" }, []],
    [
      "different value",
      { disktype: "ssd" },
      { disktype: "hdd" },
      ["node(s) didn't match node selector: disktype=ssd (node has disktype=hdd)"],
    ],
    [
      "missing label",
      { disktype: "ssd" },
      {},
      ["node(s) didn't match node selector: disktype=ssd (node has no disktype label)"],
    ],
    [
      "an empty value is still a value to match",
      { gpu: "" },
      {},
      ["node(s) didn't match node selector: gpu= (node has no gpu label)"],
    ],
    [
      "every failing pair is listed, matching ones are not",
      { disktype: "ssd", zone: "a", rack: "r1" },
      { disktype: "hdd", zone: "a" },
      [
        "node(s) didn't match node selector: disktype=ssd (node has disktype=hdd)",
        "node(s) didn't match node selector: rack=r1 (node has no rack label)",
      ],
    ],
    [
      "prototype names are not labels",
      { constructor: "x" },
      {},
      ["node(s) didn't match node selector: constructor=x (node has no constructor label)"],
    ],
  ];
  for (const [name, selector, labels, want] of rows) {
    test(name, () => assert.deepEqual(nodeSelectorMismatches(selector, node({ labels })), want));
  }
});

test("nodeSelector: a node with no labels at all", () => {
  assert.deepEqual(nodeSelectorMismatches({ zone: "a" }, { metadata: { name: "bare" } }), [
    "node(s) didn't match node selector: zone=a (node has no zone label)",
  ]);
});

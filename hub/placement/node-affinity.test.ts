import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { NodeSelector, NodeSelectorTerm } from "kubernetes-types/core/v1.js";
import { matchNodeSelectorTerms, requiredNodeAffinityFailures } from "./node-affinity.js";
import { node } from "./test-fixture.js";

const zoneIn = (...values: string[]) => ({ key: "zone", operator: "In", values });
const ssd = { key: "disktype", operator: "In", values: ["ssd"] };
const named = (name: string) => ({ key: "metadata.name", operator: "In", values: [name] });

describe("matchNodeSelectorTerms", () => {
  const n = node({ name: "node-a", labels: { zone: "c", disktype: "hdd" } });
  const rows: [string, NodeSelectorTerm[], { matches: boolean; reasons: string[] }][] = [
    [
      "an empty term list matches nothing",
      [],
      { matches: false, reasons: ["has no nodeSelectorTerms, so it matches no node"] },
    ],
    [
      "an empty term matches nothing",
      [{}],
      {
        matches: false,
        reasons: ["term 0: has no matchExpressions or matchFields, so it matches no node"],
      },
    ],
    [
      "a term with empty lists matches nothing",
      [{ matchExpressions: [], matchFields: [] }],
      {
        matches: false,
        reasons: ["term 0: has no matchExpressions or matchFields, so it matches no node"],
      },
    ],
    ["one matching term", [{ matchExpressions: [zoneIn("c")] }], { matches: true, reasons: [] }],
    [
      "terms are ORed: a later term matches",
      [{ matchExpressions: [zoneIn("a", "b")] }, { matchExpressions: [zoneIn("c")] }],
      { matches: true, reasons: [] },
    ],
    [
      "an empty term does not spoil a matching one",
      [{}, { matchExpressions: [zoneIn("c")] }],
      { matches: true, reasons: [] },
    ],
    [
      "a malformed term does not spoil a matching one",
      [
        { matchExpressions: [{ key: "zone", operator: "Gt", values: ["x"] }] },
        { matchFields: [named("node-a")] },
      ],
      { matches: true, reasons: [] },
    ],
    [
      "no term matches: every term's failures, numbered",
      [{ matchExpressions: [zoneIn("a", "b")] }, { matchExpressions: [ssd] }],
      {
        matches: false,
        reasons: [
          "term 0: expression zone In [a b]: node has zone=c",
          "term 1: expression disktype In [ssd]: node has disktype=hdd",
        ],
      },
    ],
    [
      "expressions are ANDed: all must hold",
      [{ matchExpressions: [zoneIn("c"), ssd] }],
      { matches: false, reasons: ["term 0: expression disktype In [ssd]: node has disktype=hdd"] },
    ],
    [
      "every failing expression of a term is listed",
      [{ matchExpressions: [zoneIn("a"), ssd, { key: "gpu", operator: "Exists" }] }],
      {
        matches: false,
        reasons: [
          "term 0: expression zone In [a]: node has zone=c",
          "term 0: expression disktype In [ssd]: node has disktype=hdd",
          "term 0: expression gpu Exists: node has no gpu label",
        ],
      },
    ],
    ["matchFields alone", [{ matchFields: [named("node-a")] }], { matches: true, reasons: [] }],
    [
      "matchFields on another node",
      [{ matchFields: [named("node-b")] }],
      { matches: false, reasons: ["term 0: field metadata.name In [node-b]: node is node-a"] },
    ],
    [
      "matchExpressions and matchFields are ANDed (both hold)",
      [{ matchExpressions: [zoneIn("c")], matchFields: [named("node-a")] }],
      { matches: true, reasons: [] },
    ],
    [
      "matchExpressions and matchFields are ANDed (fields fail)",
      [{ matchExpressions: [zoneIn("c")], matchFields: [named("node-b")] }],
      { matches: false, reasons: ["term 0: field metadata.name In [node-b]: node is node-a"] },
    ],
    [
      "matchExpressions and matchFields are ANDed (labels fail)",
      [{ matchExpressions: [ssd], matchFields: [named("node-a")] }],
      { matches: false, reasons: ["term 0: expression disktype In [ssd]: node has disktype=hdd"] },
    ],
  ];
  for (const [name, terms, want] of rows) {
    test(name, () => assert.deepEqual(matchNodeSelectorTerms(terms, n), want));
  }
});

describe("requiredNodeAffinityFailures", () => {
  const n = node({ labels: { zone: "c" } });

  test("no node affinity, or only preferred terms: nothing required", () => {
    assert.deepEqual(requiredNodeAffinityFailures(undefined, n), []);
    const preferredOnly = {
      preferredDuringSchedulingIgnoredDuringExecution: [
        { weight: 100, preference: { matchExpressions: [zoneIn("a")] } },
      ],
    };
    assert.deepEqual(requiredNodeAffinityFailures(preferredOnly, n), []);
  });

  test("failures are prefixed so they read on their own", () => {
    const required = { nodeSelectorTerms: [{ matchExpressions: [zoneIn("a", "b")] }] };
    assert.deepEqual(
      requiredNodeAffinityFailures({ requiredDuringSchedulingIgnoredDuringExecution: required }, n),
      ["required node affinity term 0: expression zone In [a b]: node has zone=c"],
    );
  });

  test("a required block with no terms matches no node", () => {
    const required = { nodeSelectorTerms: [] };
    assert.deepEqual(
      requiredNodeAffinityFailures({ requiredDuringSchedulingIgnoredDuringExecution: required }, n),
      ["required node affinity has no nodeSelectorTerms, so it matches no node"],
    );
  });

  test("a required block that omits nodeSelectorTerms (as YAML may) matches no node", () => {
    const required: NodeSelector = JSON.parse("{}");
    assert.deepEqual(
      requiredNodeAffinityFailures({ requiredDuringSchedulingIgnoredDuringExecution: required }, n),
      ["required node affinity has no nodeSelectorTerms, so it matches no node"],
    );
  });
});

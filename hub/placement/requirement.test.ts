import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { NodeSelectorRequirement } from "kubernetes-types/core/v1.js";
import { fieldRequirementFailure, labelRequirementFailure } from "./requirement.js";

type Row = [
  name: string,
  req: NodeSelectorRequirement,
  labels: Record<string, string>,
  want?: string,
];

/** One test per row; `want` is the failure message, absent when the requirement holds. */
function labelTable(title: string, rows: Row[]): void {
  describe(title, () => {
    for (const [name, req, labels, want] of rows) {
      test(name, () => assert.equal(labelRequirementFailure(req, labels), want));
    }
  });
}

const expr = (key: string, operator: string, values?: string[]): NodeSelectorRequirement =>
  values === undefined ? { key, operator } : { key, operator, values };

labelTable("In: the label exists and its value is listed", [
  ["listed", expr("zone", "In", ["a", "b"]), { zone: "b" }],
  ["one value", expr("zone", "In", ["a"]), { zone: "a" }],
  [
    "other value",
    expr("zone", "In", ["a", "b"]),
    { zone: "c" },
    "expression zone In [a b]: node has zone=c",
  ],
  [
    "no label",
    expr("zone", "In", ["a", "b"]),
    {},
    "expression zone In [a b]: node has no zone label",
  ],
  ["empty value listed", expr("zone", "In", [""]), { zone: "" }],
  [
    "case matters",
    expr("zone", "In", ["A"]),
    { zone: "a" },
    "expression zone In [A]: node has zone=a",
  ],
]);

labelTable("NotIn: the value is not listed, and a missing label counts as not listed", [
  ["other value", expr("zone", "NotIn", ["a", "b"]), { zone: "c" }],
  ["no label", expr("zone", "NotIn", ["a", "b"]), {}],
  [
    "listed",
    expr("zone", "NotIn", ["a", "b"]),
    { zone: "a" },
    "expression zone NotIn [a b]: node has zone=a",
  ],
]);

labelTable("Exists and DoesNotExist look only at the key", [
  ["exists", expr("gpu", "Exists"), { gpu: "" }],
  ["exists, empty values list", expr("gpu", "Exists", []), { gpu: "nvidia" }],
  ["missing", expr("gpu", "Exists"), { zone: "a" }, "expression gpu Exists: node has no gpu label"],
  ["does not exist", expr("gpu", "DoesNotExist"), { zone: "a" }],
  [
    "exists after all",
    expr("gpu", "DoesNotExist"),
    { gpu: "nvidia" },
    "expression gpu DoesNotExist: node has gpu=nvidia",
  ],
]);

labelTable("Gt and Lt compare the label as an integer, strictly", [
  ["greater", expr("cores", "Gt", ["8"]), { cores: "16" }],
  [
    "equal is not greater",
    expr("cores", "Gt", ["8"]),
    { cores: "8" },
    "expression cores Gt [8]: node has cores=8",
  ],
  [
    "smaller",
    expr("cores", "Gt", ["8"]),
    { cores: "4" },
    "expression cores Gt [8]: node has cores=4",
  ],
  ["numeric, not lexical", expr("cores", "Gt", ["8"]), { cores: "10" }],
  ["leading zeros", expr("cores", "Gt", ["8"]), { cores: "0010" }],
  ["less", expr("cores", "Lt", ["8"]), { cores: "4" }],
  [
    "equal is not less",
    expr("cores", "Lt", ["8"]),
    { cores: "8" },
    "expression cores Lt [8]: node has cores=8",
  ],
  ["negative label", expr("temp", "Lt", ["0"]), { temp: "-3" }],
  ["beyond 2^53", expr("id", "Gt", ["9007199254740992"]), { id: "9007199254740993" }],
  [
    "missing label",
    expr("cores", "Gt", ["8"]),
    {},
    "expression cores Gt [8]: node has no cores label",
  ],
  [
    "non-integer label, Gt",
    expr("cores", "Gt", ["8"]),
    { cores: "many" },
    "expression cores Gt [8]: node has cores=many, not an integer",
  ],
  [
    "non-integer label, Lt",
    expr("cores", "Lt", ["8"]),
    { cores: "4.5" },
    "expression cores Lt [8]: node has cores=4.5, not an integer",
  ],
]);

labelTable("a malformed expression never matches, and says what to fix", [
  [
    "Gt without a value",
    expr("cores", "Gt"),
    { cores: "16" },
    "expression cores Gt: invalid: Gt needs exactly one value, got 0",
  ],
  [
    "Lt with two values",
    expr("cores", "Lt", ["8", "9"]),
    { cores: "4" },
    "expression cores Lt [8 9]: invalid: Lt needs exactly one value, got 2",
  ],
  [
    "Gt with a non-integer value",
    expr("cores", "Gt", ["eight"]),
    { cores: "16" },
    'expression cores Gt [eight]: invalid: value "eight" is not an integer',
  ],
  [
    "Gt with a fraction",
    expr("cores", "Gt", ["1.5"]),
    { cores: "16" },
    'expression cores Gt [1.5]: invalid: value "1.5" is not an integer',
  ],
  [
    "Gt with a negative bound (not a label value, so Kubernetes refuses it)",
    expr("temp", "Gt", ["-1"]),
    { temp: "5" },
    'expression temp Gt [-1]: invalid: value "-1" is not a valid label value (at most 63 ' +
      "letters, digits, '-', '_' or '.', starting and ending with a letter or digit)",
  ],
  [
    "In without values",
    expr("zone", "In", []),
    { zone: "a" },
    "expression zone In: invalid: In needs at least one value",
  ],
  [
    "NotIn without values",
    expr("zone", "NotIn"),
    {},
    "expression zone NotIn: invalid: NotIn needs at least one value",
  ],
  [
    "Exists with values",
    expr("gpu", "Exists", ["yes"]),
    { gpu: "yes" },
    "expression gpu Exists [yes]: invalid: Exists takes no values",
  ],
  [
    "DoesNotExist with values",
    expr("gpu", "DoesNotExist", ["yes"]),
    {},
    "expression gpu DoesNotExist [yes]: invalid: DoesNotExist takes no values",
  ],
  [
    "unknown operator",
    expr("zone", "Equals", ["a"]),
    { zone: "a" },
    'expression zone Equals [a]: invalid: unknown operator "Equals" ' +
      "(want In, NotIn, Exists, DoesNotExist, Gt or Lt)",
  ],
  [
    "operators are case-sensitive",
    expr("zone", "in", ["a"]),
    { zone: "a" },
    'expression zone in [a]: invalid: unknown operator "in" ' +
      "(want In, NotIn, Exists, DoesNotExist, Gt or Lt)",
  ],
  [
    "bad key",
    expr("bad key", "DoesNotExist"),
    {},
    'expression bad key DoesNotExist: invalid: key "bad key" is not a valid label key',
  ],
  [
    "every problem at once",
    expr("-x", "Gt", ["a", "b"]),
    { "-x": "1" },
    "expression -x Gt [a b]: invalid: Gt needs exactly one value, got 2; " +
      'value "a" is not an integer; value "b" is not an integer; key "-x" is not a valid label key',
  ],
]);

labelTable("label keys are looked up as own properties only", [
  ["constructor is not a label", expr("constructor", "DoesNotExist"), {}],
  [
    "toString is not a label",
    expr("toString", "Exists"),
    {},
    "expression toString Exists: node has no toString label",
  ],
]);

describe("matchFields: metadata.name with In or NotIn and exactly one value", () => {
  const field = (
    operator: string,
    values?: string[],
    key = "metadata.name",
  ): NodeSelectorRequirement =>
    values === undefined ? { key, operator } : { key, operator, values };
  const rows: [string, NodeSelectorRequirement, string, string?][] = [
    ["In, this node", field("In", ["node-a"]), "node-a"],
    [
      "In, another node",
      field("In", ["node-b"]),
      "node-a",
      "field metadata.name In [node-b]: node is node-a",
    ],
    ["NotIn, another node", field("NotIn", ["node-b"]), "node-a"],
    [
      "NotIn, this node",
      field("NotIn", ["node-a"]),
      "node-a",
      "field metadata.name NotIn [node-a]: node is node-a",
    ],
    [
      "In with two names",
      field("In", ["node-a", "node-b"]),
      "node-a",
      "field metadata.name In [node-a node-b]: invalid: In on a field needs exactly one value, got 2",
    ],
    [
      "NotIn without a name",
      field("NotIn", []),
      "node-a",
      "field metadata.name NotIn: invalid: NotIn on a field needs exactly one value, got 0",
    ],
    [
      "Exists is not a field operator",
      field("Exists"),
      "node-a",
      'field metadata.name Exists: invalid: unknown operator "Exists" for matchFields (want In or NotIn)',
    ],
    [
      "another field",
      field("In", ["x"], "spec.providerID"),
      "node-a",
      "field spec.providerID In [x]: invalid: matchFields supports only metadata.name",
    ],
  ];
  for (const [name, req, nodeName, want] of rows) {
    test(name, () => assert.equal(fieldRequirementFailure(req, nodeName), want));
  }
});

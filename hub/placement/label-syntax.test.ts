import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { isQualifiedName, isValidLabelValue } from "./label-syntax.js";

describe("isQualifiedName: name or DNS-subdomain prefix / name", () => {
  const cases: [string, boolean][] = [
    ["zone", true],
    ["disk_type", true],
    ["a.b-c_d", true],
    ["Z9", true],
    ["node-role.kubernetes.io/control-plane", true],
    ["kubernetes.io/hostname", true],
    ["x".repeat(63), true],
    ["x".repeat(64), false], // name over 63
    [`${"a".repeat(253)}/x`, true],
    [`${"a".repeat(254)}/x`, false], // prefix over 253
    ["", false],
    ["-zone", false],
    ["zone-", false],
    ["bad key", false],
    ["a/b/c", false],
    ["/name", false], // empty prefix
    ["prefix/", false], // empty name
    ["Upper.Case/name", false], // prefix must be lower case
    ["example.com/Name", true], // the name part may not
  ];
  for (const [key, want] of cases) {
    test(`${JSON.stringify(key.length > 40 ? `${key.slice(0, 12)}…(${key.length})` : key)} → ${want}`, () =>
      assert.equal(isQualifiedName(key), want));
  }
});

describe("isValidLabelValue: empty, or ≤63 chars starting and ending alphanumeric", () => {
  const cases: [string, boolean][] = [
    ["", true],
    ["ssd", true],
    ["8", true],
    ["v1.2_3-x", true],
    ["x".repeat(63), true],
    ["x".repeat(64), false],
    ["-1", false], // so Gt/Lt cannot take negative bounds in Kubernetes
    ["+1", false],
    ["a b", false],
    ["a/b", false],
    ["x-", false],
  ];
  for (const [value, want] of cases) {
    test(`${JSON.stringify(value.length > 40 ? `${value.slice(0, 12)}…(${value.length})` : value)} → ${want}`, () =>
      assert.equal(isValidLabelValue(value), want));
  }
});

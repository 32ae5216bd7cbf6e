import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { printedObject, resolveResourceType } from "./resource-types.js";

describe("resolveResourceType", () => {
  const cases: [string, string][] = [
    ["ds", "DaemonSet"],
    ["daemonsets", "DaemonSet"],
    ["DaemonSet", "DaemonSet"],
    ["daemonset.apps", "DaemonSet"],
    ["po", "Pod"],
    ["pods", "Pod"],
    ["no", "Node"],
    ["nodes", "Node"],
  ];
  for (const [argument, kind] of cases) {
    it(`reads ${argument} as ${kind}`, () => assert.equal(resolveResourceType(argument), kind));
  }
  it("refuses other types with kubectl's words", () => {
    assert.throws(() => resolveResourceType("deployments"), {
      message:
        'the server doesn\'t have a resource type "deployments" (daemonlet knows daemonsets, nodes, pods)',
    });
  });
});

describe("printedObject", () => {
  it("names objects as kubectl does", () => {
    assert.equal(printedObject("DaemonSet", "fluentd"), "daemonset.apps/fluentd");
    assert.equal(printedObject("Node", "web1"), "node/web1");
    assert.equal(printedObject("Pod", "x"), "pod/x");
  });
});

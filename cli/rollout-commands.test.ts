import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { daemonSetRef } from "./rollout-commands.js";

describe("daemonSetRef", () => {
  it("takes ds/NAME, daemonset NAME and a namespace", () => {
    assert.deepEqual(daemonSetRef({ resource: "ds/agent" }), {
      kind: "DaemonSet",
      namespace: "default",
      name: "agent",
    });
    assert.deepEqual(daemonSetRef({ resource: "daemonset", name: "agent", namespace: "ops" }), {
      kind: "DaemonSet",
      namespace: "ops",
      name: "agent",
    });
  });

  it("refuses other kinds and a missing name", () => {
    assert.throws(() => daemonSetRef({ resource: "node/n1" }), /daemonlet rolls out daemonsets/);
    assert.throws(() => daemonSetRef({ resource: "ds" }), /required resource not specified/);
    assert.throws(() => daemonSetRef({ resource: "ds/a", name: "b" }), /resource\/name form/);
    assert.throws(() => daemonSetRef({ resource: "deploy/x" }), /doesn't have a resource type/);
  });
});

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Toleration } from "kubernetes-types/core/v1.js";
import { NODE_TAINT, withDefaultDaemonSetTolerations } from "./default-tolerations.js";
import { podSpec } from "./test-fixture.js";

const DEFAULTS: Toleration[] = [
  { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute" },
  { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute" },
  { key: "node.kubernetes.io/disk-pressure", operator: "Exists", effect: "NoSchedule" },
  { key: "node.kubernetes.io/memory-pressure", operator: "Exists", effect: "NoSchedule" },
  { key: "node.kubernetes.io/pid-pressure", operator: "Exists", effect: "NoSchedule" },
  { key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoSchedule" },
];
const NETWORK: Toleration = {
  key: "node.kubernetes.io/network-unavailable",
  operator: "Exists",
  effect: "NoSchedule",
};

describe("withDefaultDaemonSetTolerations", () => {
  test("a template without tolerations gets exactly Kubernetes's defaults, no tolerationSeconds", () => {
    assert.deepEqual(withDefaultDaemonSetTolerations(podSpec()), DEFAULTS);
  });

  test("network-unavailable is tolerated only with hostNetwork", () => {
    assert.deepEqual(withDefaultDaemonSetTolerations(podSpec({ hostNetwork: true })), [
      ...DEFAULTS,
      NETWORK,
    ]);
    assert.deepEqual(withDefaultDaemonSetTolerations(podSpec({ hostNetwork: false })), DEFAULTS);
  });

  test("the template's own tolerations come first and are kept", () => {
    const own: Toleration = {
      key: "dedicated",
      operator: "Equal",
      value: "gpu",
      effect: "NoSchedule",
    };
    assert.deepEqual(withDefaultDaemonSetTolerations(podSpec({ tolerations: [own] })), [
      own,
      ...DEFAULTS,
    ]);
  });

  test("a default already present is not duplicated", () => {
    const unschedulable = {
      key: NODE_TAINT.unschedulable,
      operator: "Exists",
      effect: "NoSchedule",
    };
    const got = withDefaultDaemonSetTolerations(podSpec({ tolerations: [unschedulable] }));
    assert.equal(got.filter((t) => t.key === NODE_TAINT.unschedulable).length, 1);
    assert.deepEqual(got[0], unschedulable);
    assert.equal(got.length, DEFAULTS.length);
  });

  test("the same toleration with tolerationSeconds is replaced in place by the default", () => {
    const ownNotReady = {
      key: NODE_TAINT.notReady,
      operator: "Exists",
      effect: "NoExecute",
      tolerationSeconds: 300,
    };
    const own = { key: "a", operator: "Exists" };
    const got = withDefaultDaemonSetTolerations(podSpec({ tolerations: [own, ownNotReady] }));
    assert.deepEqual(got.slice(0, 2), [own, DEFAULTS[0]]);
    assert.equal(got.length, DEFAULTS.length + 1);
  });

  test("a similar toleration that differs in operator, value or effect is kept and the default added", () => {
    const equalOp = { key: NODE_TAINT.unschedulable, operator: "Equal", effect: "NoSchedule" };
    const otherEffect = { key: NODE_TAINT.notReady, operator: "Exists", effect: "NoSchedule" };
    const got = withDefaultDaemonSetTolerations(podSpec({ tolerations: [equalOp, otherEffect] }));
    assert.deepEqual(got, [equalOp, otherEffect, ...DEFAULTS]);
  });

  test("an Exists-everything toleration is kept and the defaults still added", () => {
    const all = { operator: "Exists" };
    assert.deepEqual(withDefaultDaemonSetTolerations(podSpec({ tolerations: [all] })), [
      all,
      ...DEFAULTS,
    ]);
  });

  test("the template is not modified, and each call returns fresh objects", () => {
    const tolerations: Toleration[] = [{ key: "a", operator: "Exists" }];
    const spec = podSpec({ tolerations });
    const first = withDefaultDaemonSetTolerations(spec);
    assert.deepEqual(spec.tolerations, [{ key: "a", operator: "Exists" }]);
    assert.equal(spec.tolerations, tolerations);
    const notReady = first[1];
    assert.ok(notReady);
    notReady.tolerationSeconds = 5;
    assert.deepEqual(withDefaultDaemonSetTolerations(spec)[1], DEFAULTS[0]);
  });
});

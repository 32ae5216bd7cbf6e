import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Taint, Toleration } from "kubernetes-types/core/v1.js";
import { describeTaint, tolerationTolerates, untoleratedTaints } from "./tolerations.js";

const gpu: Taint = { key: "dedicated", value: "gpu", effect: "NoSchedule" };
const gpuExecute: Taint = { key: "dedicated", value: "gpu", effect: "NoExecute" };
const noValue: Taint = { key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" };

describe("tolerationTolerates", () => {
  const rows: [string, Toleration, Taint, boolean][] = [
    [
      "Equal: same key, value, effect",
      { key: "dedicated", operator: "Equal", value: "gpu", effect: "NoSchedule" },
      gpu,
      true,
    ],
    [
      "Equal: other value",
      { key: "dedicated", operator: "Equal", value: "db", effect: "NoSchedule" },
      gpu,
      false,
    ],
    [
      "Equal: no value against a valued taint",
      { key: "dedicated", operator: "Equal", effect: "NoSchedule" },
      gpu,
      false,
    ],
    [
      "Equal: no value against a taint without one",
      { key: noValue.key, operator: "Equal" },
      noValue,
      true,
    ],
    [
      "Equal: empty value equals a missing one",
      { key: noValue.key, value: "" },
      { ...noValue, value: "" },
      true,
    ],
    ["Equal: other key", { key: "team", operator: "Equal", value: "gpu" }, gpu, false],
    [
      "operator defaults to Equal (match)",
      { key: "dedicated", value: "gpu", effect: "NoSchedule" },
      gpu,
      true,
    ],
    ["operator defaults to Equal (value differs)", { key: "dedicated", value: "db" }, gpu, false],
    [
      "Exists: any value",
      { key: "dedicated", operator: "Exists", effect: "NoSchedule" },
      gpu,
      true,
    ],
    ["Exists: taint without a value", { key: noValue.key, operator: "Exists" }, noValue, true],
    ["Exists: still needs the key", { key: "team", operator: "Exists" }, gpu, false],
    ["Exists with an empty key tolerates every taint", { operator: "Exists" }, gpu, true],
    ["…of every effect", { operator: "Exists" }, gpuExecute, true],
    [
      "…and PreferNoSchedule too",
      { operator: "Exists" },
      { key: "x", effect: "PreferNoSchedule" },
      true,
    ],
    [
      "empty key + Exists + effect: only that effect",
      { operator: "Exists", effect: "NoExecute" },
      gpu,
      false,
    ],
    ["empty effect matches NoSchedule", { key: "dedicated", operator: "Exists" }, gpu, true],
    ["empty effect matches NoExecute", { key: "dedicated", operator: "Exists" }, gpuExecute, true],
    [
      "NoSchedule does not tolerate NoExecute",
      { key: "dedicated", operator: "Exists", effect: "NoSchedule" },
      gpuExecute,
      false,
    ],
    [
      "NoExecute does not tolerate NoSchedule",
      { key: "dedicated", operator: "Exists", effect: "NoExecute" },
      gpu,
      false,
    ],
    [
      "tolerationSeconds does not matter",
      { key: "dedicated", operator: "Exists", effect: "NoExecute", tolerationSeconds: 0 },
      gpuExecute,
      true,
    ],
    ["keys are case-sensitive", { key: "Dedicated", operator: "Exists" }, gpu, false],
    ["operators are case-sensitive", { key: "dedicated", operator: "exists" }, gpu, false],
    [
      "an unknown operator tolerates nothing",
      { key: "dedicated", operator: "Gt", value: "1" },
      gpu,
      false,
    ],
    // Validation forbids this combination; Kubernetes's matcher still lets it match any key.
    ["empty key + Equal matches any key with that value", { value: "gpu" }, gpu, true],
  ];
  for (const [name, toleration, taint, want] of rows) {
    test(name, () => assert.equal(tolerationTolerates(toleration, taint), want));
  }
});

describe("untoleratedTaints", () => {
  test("only NoSchedule and NoExecute taints can block; PreferNoSchedule never does", () => {
    const prefer: Taint = { key: "spot", effect: "PreferNoSchedule" };
    assert.deepEqual(untoleratedTaints([prefer, gpu, gpuExecute], []), [gpu, gpuExecute]);
  });

  test("every untolerated taint is returned, tolerated ones are not", () => {
    const tolerations: Toleration[] = [
      { key: "dedicated", operator: "Exists", effect: "NoExecute" },
    ];
    assert.deepEqual(untoleratedTaints([gpu, gpuExecute, noValue], tolerations), [gpu, noValue]);
  });

  test("any one toleration is enough for a taint", () => {
    const tolerations: Toleration[] = [
      { key: "team", operator: "Exists" },
      { key: "dedicated", value: "gpu" },
    ];
    assert.deepEqual(untoleratedTaints([gpu, gpuExecute], tolerations), []);
  });

  test("no taints, nothing to tolerate", () => {
    assert.deepEqual(untoleratedTaints([], []), []);
  });
});

test("describeTaint uses kubectl's key=value:Effect form", () => {
  assert.equal(describeTaint(gpu), "dedicated=gpu:NoSchedule");
  assert.equal(describeTaint(noValue), "node-role.kubernetes.io/control-plane:NoSchedule");
});

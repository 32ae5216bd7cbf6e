import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Taint } from "kubernetes-types/core/v1.js";
import { nodeDeletedDecision, nodeShouldRunDaemonPod } from "./should-run.js";
import { affinitySpec, node, podSpec } from "./test-fixture.js";

const RUN = { shouldRun: true, shouldContinueRunning: true, reasons: [] };

test("no constraints, no taints: the pod runs", () => {
  assert.deepEqual(nodeShouldRunDaemonPod(node(), podSpec()), RUN);
});

test("a bare node object with no metadata or spec still takes an unconstrained pod", () => {
  assert.deepEqual(nodeShouldRunDaemonPod({}, podSpec()), RUN);
});

describe("spec.nodeName in the template", () => {
  test("names this node: runs", () => {
    assert.deepEqual(nodeShouldRunDaemonPod(node(), podSpec({ nodeName: "node-a" })), RUN);
  });
  test("names another node: neither runs nor continues", () => {
    assert.deepEqual(nodeShouldRunDaemonPod(node(), podSpec({ nodeName: "node-b" })), {
      shouldRun: false,
      shouldContinueRunning: false,
      reasons: [
        {
          code: "NodeNameMismatch",
          message: "pod template sets spec.nodeName node-b, and this node is node-a",
        },
      ],
    });
  });
});

describe("selection: a node that stops matching loses its running pod too", () => {
  test("nodeSelector match", () => {
    const n = node({ labels: { disktype: "ssd" } });
    assert.deepEqual(
      nodeShouldRunDaemonPod(n, podSpec({ nodeSelector: { disktype: "ssd" } })),
      RUN,
    );
  });

  test("nodeSelector mismatch", () => {
    const n = node({ labels: { disktype: "hdd" } });
    assert.deepEqual(nodeShouldRunDaemonPod(n, podSpec({ nodeSelector: { disktype: "ssd" } })), {
      shouldRun: false,
      shouldContinueRunning: false,
      reasons: [
        {
          code: "NodeSelectorMismatch",
          message: "node(s) didn't match node selector: disktype=ssd (node has disktype=hdd)",
        },
      ],
    });
  });

  test("required node affinity match", () => {
    const spec = affinitySpec([{ key: "zone", operator: "In", values: ["a", "b"] }]);
    assert.deepEqual(nodeShouldRunDaemonPod(node({ labels: { zone: "b" } }), spec), RUN);
  });

  test("required node affinity mismatch", () => {
    const spec = affinitySpec([{ key: "zone", operator: "In", values: ["a", "b"] }]);
    assert.deepEqual(nodeShouldRunDaemonPod(node({ labels: { zone: "c" } }), spec), {
      shouldRun: false,
      shouldContinueRunning: false,
      reasons: [
        {
          code: "NodeAffinityMismatch",
          message: "required node affinity term 0: expression zone In [a b]: node has zone=c",
        },
      ],
    });
  });

  test("nodeSelector and affinity must both hold", () => {
    const spec = affinitySpec([{ key: "zone", operator: "In", values: ["c"] }]);
    spec.nodeSelector = { disktype: "ssd" };
    const d = nodeShouldRunDaemonPod(node({ labels: { zone: "c", disktype: "hdd" } }), spec);
    assert.deepEqual(
      d.reasons.map((r) => r.code),
      ["NodeSelectorMismatch"],
    );
    assert.equal(d.shouldRun, false);
  });

  test("preferred node affinity does not affect placement", () => {
    const spec = podSpec({
      affinity: {
        nodeAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            {
              weight: 100,
              preference: { matchExpressions: [{ key: "zone", operator: "In", values: ["a"] }] },
            },
          ],
        },
      },
    });
    assert.deepEqual(nodeShouldRunDaemonPod(node({ labels: { zone: "c" } }), spec), RUN);
  });
});

describe("taints: NoSchedule stops new pods only, NoExecute evicts", () => {
  const controlPlane: Taint = {
    key: "node-role.kubernetes.io/control-plane",
    effect: "NoSchedule",
  };
  const dedicated: Taint = { key: "dedicated", value: "db", effect: "NoExecute" };

  test("untolerated NoSchedule: no new pod, a running one stays", () => {
    assert.deepEqual(nodeShouldRunDaemonPod(node({ taints: [controlPlane] }), podSpec()), {
      shouldRun: false,
      shouldContinueRunning: true,
      reasons: [
        {
          code: "TaintNotTolerated",
          message: "taint node-role.kubernetes.io/control-plane:NoSchedule is not tolerated",
        },
      ],
    });
  });

  test("untolerated NoExecute: no new pod, and a running one is evicted", () => {
    assert.deepEqual(nodeShouldRunDaemonPod(node({ taints: [dedicated] }), podSpec()), {
      shouldRun: false,
      shouldContinueRunning: false,
      reasons: [
        { code: "TaintNotTolerated", message: "taint dedicated=db:NoExecute is not tolerated" },
      ],
    });
  });

  test("both: every untolerated taint is listed, and NoExecute decides eviction", () => {
    const d = nodeShouldRunDaemonPod(node({ taints: [controlPlane, dedicated] }), podSpec());
    assert.equal(d.shouldRun, false);
    assert.equal(d.shouldContinueRunning, false);
    assert.deepEqual(
      d.reasons.map((r) => r.message),
      [
        "taint node-role.kubernetes.io/control-plane:NoSchedule is not tolerated",
        "taint dedicated=db:NoExecute is not tolerated",
      ],
    );
  });

  test("tolerated by the template: runs", () => {
    const spec = podSpec({
      tolerations: [
        { key: "node-role.kubernetes.io/control-plane", operator: "Exists", effect: "NoSchedule" },
        { key: "dedicated", operator: "Equal", value: "db", tolerationSeconds: 60 },
      ],
    });
    assert.deepEqual(
      nodeShouldRunDaemonPod(node({ taints: [controlPlane, dedicated] }), spec),
      RUN,
    );
  });

  test("tolerating everything (empty key, Exists): runs on any taint", () => {
    const spec = podSpec({ tolerations: [{ operator: "Exists" }] });
    assert.deepEqual(
      nodeShouldRunDaemonPod(node({ taints: [controlPlane, dedicated] }), spec),
      RUN,
    );
  });

  test("PreferNoSchedule never blocks", () => {
    const n = node({ taints: [{ key: "spot", value: "true", effect: "PreferNoSchedule" }] });
    assert.deepEqual(nodeShouldRunDaemonPod(n, podSpec()), RUN);
  });
});

describe("default DaemonSet tolerations: a node with a condition taint still runs the pod", () => {
  const rows: [string, Taint["effect"]][] = [
    ["node.kubernetes.io/not-ready", "NoExecute"],
    ["node.kubernetes.io/unreachable", "NoExecute"],
    ["node.kubernetes.io/disk-pressure", "NoSchedule"],
    ["node.kubernetes.io/memory-pressure", "NoSchedule"],
    ["node.kubernetes.io/pid-pressure", "NoSchedule"],
    ["node.kubernetes.io/unschedulable", "NoSchedule"],
  ];
  for (const [key, effect] of rows) {
    test(`${key}:${effect}`, () => {
      assert.deepEqual(nodeShouldRunDaemonPod(node({ taints: [{ key, effect }] }), podSpec()), RUN);
    });
  }

  test("all of them at once", () => {
    const taints = rows.map(([key, effect]) => ({ key, effect }));
    assert.deepEqual(nodeShouldRunDaemonPod(node({ taints }), podSpec()), RUN);
  });

  const network: Taint = { key: "node.kubernetes.io/network-unavailable", effect: "NoSchedule" };
  test("network-unavailable: tolerated with hostNetwork", () => {
    const spec = podSpec({ hostNetwork: true });
    assert.deepEqual(nodeShouldRunDaemonPod(node({ taints: [network] }), spec), RUN);
  });

  test("network-unavailable: not tolerated without hostNetwork (NoSchedule, so it stays)", () => {
    assert.deepEqual(nodeShouldRunDaemonPod(node({ taints: [network] }), podSpec()), {
      shouldRun: false,
      shouldContinueRunning: true,
      reasons: [
        {
          code: "TaintNotTolerated",
          message: "taint node.kubernetes.io/network-unavailable:NoSchedule is not tolerated",
        },
      ],
    });
  });

  test("the defaults cover only their own effect: not-ready:NoSchedule still blocks new pods", () => {
    const n = node({ taints: [{ key: "node.kubernetes.io/not-ready", effect: "NoSchedule" }] });
    const d = nodeShouldRunDaemonPod(n, podSpec());
    assert.equal(d.shouldRun, false);
    assert.equal(d.shouldContinueRunning, true);
  });
});

describe("cordoned nodes", () => {
  test("cordoned (spec.unschedulable with its taint): DaemonSet pods still run", () => {
    const n = node({
      cordoned: true,
      taints: [{ key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" }],
    });
    assert.deepEqual(nodeShouldRunDaemonPod(n, podSpec()), RUN);
  });

  test("spec.unschedulable alone is not looked at, as in Kubernetes's controller", () => {
    assert.deepEqual(nodeShouldRunDaemonPod(node({ cordoned: true }), podSpec()), RUN);
  });
});

test("every failing rule is reported, in order: name, selector, affinity, taints", () => {
  const spec = affinitySpec(
    [{ key: "zone", operator: "In", values: ["a"] }],
    [{ key: "gpu", operator: "Exists" }],
  );
  spec.nodeName = "node-b";
  spec.nodeSelector = { disktype: "ssd", rack: "r1" };
  const n = node({
    labels: { zone: "c" },
    taints: [
      { key: "dedicated", value: "db", effect: "NoSchedule" },
      { key: "node.kubernetes.io/unreachable", effect: "NoExecute" },
      { key: "maintenance", effect: "NoExecute" },
    ],
  });
  assert.deepEqual(nodeShouldRunDaemonPod(n, spec), {
    shouldRun: false,
    shouldContinueRunning: false,
    reasons: [
      {
        code: "NodeNameMismatch",
        message: "pod template sets spec.nodeName node-b, and this node is node-a",
      },
      {
        code: "NodeSelectorMismatch",
        message: "node(s) didn't match node selector: disktype=ssd (node has no disktype label)",
      },
      {
        code: "NodeSelectorMismatch",
        message: "node(s) didn't match node selector: rack=r1 (node has no rack label)",
      },
      {
        code: "NodeAffinityMismatch",
        message: "required node affinity term 0: expression zone In [a]: node has zone=c",
      },
      {
        code: "NodeAffinityMismatch",
        message: "required node affinity term 1: expression gpu Exists: node has no gpu label",
      },
      { code: "TaintNotTolerated", message: "taint dedicated=db:NoSchedule is not tolerated" },
      { code: "TaintNotTolerated", message: "taint maintenance:NoExecute is not tolerated" },
    ],
  });
});

test("a selection failure removes the pod even when the only taint is NoSchedule", () => {
  const n = node({ labels: { disktype: "hdd" }, taints: [{ key: "x", effect: "NoSchedule" }] });
  const d = nodeShouldRunDaemonPod(n, podSpec({ nodeSelector: { disktype: "ssd" } }));
  assert.equal(d.shouldContinueRunning, false);
  assert.equal(d.reasons.length, 2);
});

test("the pod spec and node are not modified", () => {
  const spec = podSpec({ tolerations: [{ key: "a", operator: "Exists" }], hostNetwork: true });
  const n = node({ taints: [{ key: "b", effect: "NoSchedule" }] });
  const before = structuredClone({ spec, n });
  nodeShouldRunDaemonPod(n, spec);
  assert.deepEqual({ spec, n }, before);
});

test("nodeDeletedDecision: neither runs nor continues, and names the node", () => {
  assert.deepEqual(nodeDeletedDecision("node-z"), {
    shouldRun: false,
    shouldContinueRunning: false,
    reasons: [{ code: "NodeDeleted", message: "node node-z no longer exists" }],
  });
});

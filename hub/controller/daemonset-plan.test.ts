import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { DaemonSet } from "kubernetes-types/apps/v1.js";
import type { Node, Pod } from "kubernetes-types/core/v1.js";
import { planDaemonSet, type DaemonSetAction, type DaemonSetPlanInput } from "./daemonset-plan.js";
import type { PlacementDecision } from "../placement/index.js";

const NOW = Date.parse("2026-11-23T10:00:00Z");
const RUN: PlacementDecision = { shouldRun: true, shouldContinueRunning: true, reasons: [] };
const NO_NEW: PlacementDecision = {
  shouldRun: false,
  shouldContinueRunning: true,
  reasons: [{ code: "TaintNotTolerated", message: "taint x:NoSchedule is not tolerated" }],
};
const NEVER: PlacementDecision = {
  shouldRun: false,
  shouldContinueRunning: false,
  reasons: [{ code: "NodeSelectorMismatch", message: "node(s) didn't match node selector: a=b" }],
};

const ds: DaemonSet = {
  apiVersion: "apps/v1",
  kind: "DaemonSet",
  metadata: { name: "tailer", namespace: "default", uid: "ds-uid", generation: 3 },
  spec: {
    selector: { matchLabels: { app: "t" } },
    template: { metadata: { labels: { app: "t" } } },
  },
};

const node = (name: string): Node => ({ metadata: { name } });

function pod(
  name: string,
  nodeName: string,
  opts: {
    hash?: string;
    ready?: boolean;
    phase?: string;
    created?: string;
    terminating?: boolean;
    readySince?: string;
  } = {},
): Pod {
  return {
    metadata: {
      name,
      labels: { app: "t", "controller-revision-hash": opts.hash ?? "new" },
      creationTimestamp: opts.created ?? "2026-11-23T09:00:00Z",
      ...(opts.terminating ? { deletionTimestamp: "2026-11-23T09:59:00Z" } : {}),
    },
    spec: { nodeName, containers: [] },
    status: {
      phase: opts.phase ?? "Running",
      conditions: [
        {
          type: "Ready",
          status: opts.ready === false ? "False" : "True",
          lastTransitionTime: opts.readySince ?? "2026-11-23T09:00:00Z",
        },
      ],
    },
  };
}

function plan(
  over: Partial<DaemonSetPlanInput> & { placement?: Record<string, PlacementDecision> },
) {
  const placement = over.placement ?? {};
  return planDaemonSet({
    ds,
    currentHash: "new",
    nodes: [],
    pods: [],
    now: NOW,
    place: (n) => placement[n.metadata?.name ?? ""] ?? RUN,
    ...over,
  });
}

const brief = (a: DaemonSetAction) =>
  a.kind === "createPod" ? `create on ${a.nodeName}` : `delete ${a.pod.metadata?.name}`;

describe("planDaemonSet", () => {
  const cases: { name: string; input: Parameters<typeof plan>[0]; want: string[] }[] = [
    {
      name: "one pod per eligible node",
      input: { nodes: [node("a"), node("b")] },
      want: ["create on a", "create on b"],
    },
    {
      name: "nothing to do when every node runs its pod",
      input: { nodes: [node("a")], pods: [pod("p1", "a")] },
      want: [],
    },
    {
      name: "a node that stops matching loses its pod",
      input: { nodes: [node("a")], pods: [pod("p1", "a")], placement: { a: NEVER } },
      want: ["delete p1"],
    },
    {
      name: "NoSchedule only stops new placement",
      input: {
        nodes: [node("a"), node("b")],
        pods: [pod("p1", "a")],
        placement: { a: NO_NEW, b: NO_NEW },
      },
      want: [],
    },
    {
      name: "pods of a deleted node are collected",
      input: { nodes: [], pods: [pod("p1", "gone")] },
      want: ["delete p1"],
    },
    {
      name: "never two: the oldest stays",
      input: {
        nodes: [node("a")],
        pods: [
          pod("young", "a", { created: "2026-11-23T09:30:00Z" }),
          pod("old", "a", { created: "2026-11-23T09:00:00Z" }),
        ],
      },
      want: ["delete young"],
    },
    {
      name: "a failed pod is replaced",
      input: { nodes: [node("a")], pods: [pod("p1", "a", { phase: "Failed" })] },
      want: ["delete p1", "create on a"],
    },
    {
      name: "a terminating pod holds its node until it is gone",
      input: { nodes: [node("a")], pods: [pod("p1", "a", { terminating: true })] },
      want: [],
    },
    {
      name: "template change replaces one node at a time",
      input: {
        nodes: [node("a"), node("b")],
        pods: [pod("p1", "a", { hash: "old" }), pod("p2", "b", { hash: "old" })],
      },
      want: ["delete p1"],
    },
    {
      name: "no further replacement while a node is unavailable",
      input: {
        nodes: [node("a"), node("b")],
        pods: [pod("p1", "a", { ready: false }), pod("p2", "b", { hash: "old" })],
      },
      want: [],
    },
    {
      name: "an old pod that is unavailable anyway is replaced at once",
      input: {
        nodes: [node("a"), node("b")],
        pods: [pod("p1", "a", { hash: "old", ready: false }), pod("p2", "b", { hash: "old" })],
      },
      want: ["delete p1"],
    },
  ];
  for (const c of cases)
    it(c.name, () => assert.deepEqual(plan(c.input).actions.map(brief), c.want));

  it("counts status like Kubernetes", () => {
    const { status } = plan({
      nodes: [node("a"), node("b"), node("c"), node("d")],
      pods: [
        pod("p1", "a"),
        pod("p2", "b", { hash: "old" }),
        pod("p3", "c", { ready: false }),
        pod("p4", "d"),
      ],
      placement: { d: NO_NEW },
    });
    assert.deepEqual(status, {
      desiredNumberScheduled: 3,
      currentNumberScheduled: 3,
      numberMisscheduled: 1,
      numberReady: 2,
      numberAvailable: 2,
      numberUnavailable: 1,
      updatedNumberScheduled: 2,
      observedGeneration: 3,
    });
  });

  it("minReadySeconds holds availability back", () => {
    const minReady: DaemonSet = { ...ds, spec: { ...ds.spec!, minReadySeconds: 30 } };
    const { status } = plan({
      ds: minReady,
      nodes: [node("a"), node("b")],
      pods: [pod("p1", "a", { readySince: "2026-11-23T09:59:50Z" }), pod("p2", "b")],
    });
    assert.equal(status.numberReady, 2);
    assert.equal(status.numberAvailable, 1);
    assert.equal(status.numberUnavailable, 1);
  });
});

describe("planDaemonSet rolling updates", () => {
  const withStrategy = (
    updateStrategy: NonNullable<DaemonSet["spec"]>["updateStrategy"],
    more: { minReadySeconds?: number; paused?: boolean } = {},
  ): DaemonSet => ({
    ...ds,
    metadata: {
      ...ds.metadata,
      ...(more.paused && { annotations: { "daemonlet.io/paused": "true" } }),
    },
    spec: { ...ds.spec!, updateStrategy, minReadySeconds: more.minReadySeconds },
  });
  const unreachable = (name: string): Node => ({
    metadata: { name },
    spec: { taints: [{ key: "node.kubernetes.io/unreachable", effect: "NoExecute" }] },
    status: { conditions: [{ type: "Ready", status: "Unknown" }] },
  });
  const nodes = (n: number) => Array.from({ length: n }, (_, i) => node(`n${i + 1}`));
  const olds = (n: number, opts: Parameters<typeof pod>[2] = {}) =>
    Array.from({ length: n }, (_, i) => pod(`old${i + 1}`, `n${i + 1}`, { hash: "old", ...opts }));
  const unavailableOne = { rollingUpdate: { maxUnavailable: 1 } };
  const surgeOne = { rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } };
  const brief = (a: DaemonSetAction) =>
    a.kind === "createPod"
      ? `create on ${a.nodeName}${a.step ? ` ${a.step.fromHash}->${a.step.toHash}` : ""}`
      : `delete ${a.pod.metadata?.name}${a.step ? ` ${a.step.fromHash}->${a.step.toHash}` : ""}`;

  const cases: { name: string; input: Parameters<typeof plan>[0]; want: string[] }[] = [
    {
      name: "maxUnavailable 2 replaces two nodes at once",
      input: {
        ds: withStrategy({ rollingUpdate: { maxUnavailable: 2 } }),
        nodes: nodes(4),
        pods: olds(4),
      },
      want: ["delete old1 old->new", "delete old2 old->new"],
    },
    {
      name: "maxUnavailable 50% of 5 nodes rounds up to 3",
      input: {
        ds: withStrategy({ rollingUpdate: { maxUnavailable: "50%" } }),
        nodes: nodes(5),
        pods: olds(5),
      },
      want: ["delete old1 old->new", "delete old2 old->new", "delete old3 old->new"],
    },
    {
      name: "maxUnavailable 10% of 5 nodes rounds up to one node at a time",
      input: {
        ds: withStrategy({ rollingUpdate: { maxUnavailable: "10%" } }),
        nodes: nodes(5),
        pods: olds(5),
      },
      want: ["delete old1 old->new"],
    },
    {
      name: "a new pod not yet available holds the budget",
      input: {
        ds: withStrategy(unavailableOne),
        nodes: nodes(3),
        pods: [pod("new1", "n1", { ready: false }), ...olds(3).slice(1)],
      },
      want: [],
    },
    {
      name: "a node whose old pod is terminating holds the budget",
      input: {
        ds: withStrategy(unavailableOne),
        nodes: nodes(3),
        pods: [pod("gone1", "n1", { hash: "old", terminating: true }), ...olds(3).slice(1)],
      },
      want: [],
    },
    {
      name: "once the new pod is available the next node goes",
      input: {
        ds: withStrategy(unavailableOne),
        nodes: nodes(3),
        pods: [pod("new1", "n1"), ...olds(3).slice(1)],
      },
      want: ["delete old2 old->new"],
    },
    {
      name: "minReadySeconds: a new pod ready for too short a time holds the budget",
      input: {
        ds: withStrategy(unavailableOne, { minReadySeconds: 30 }),
        nodes: nodes(2),
        pods: [pod("new1", "n1", { readySince: "2026-11-23T09:59:50Z" }), ...olds(2).slice(1)],
      },
      want: [],
    },
    {
      name: "minReadySeconds: ready long enough, the next node goes",
      input: {
        ds: withStrategy(unavailableOne, { minReadySeconds: 30 }),
        nodes: nodes(2),
        pods: [pod("new1", "n1", { readySince: "2026-11-23T09:59:00Z" }), ...olds(2).slice(1)],
      },
      want: ["delete old2 old->new"],
    },
    {
      name: "unavailable old pods are replaced at once and counted: no healthy one goes too",
      input: {
        ds: withStrategy(unavailableOne),
        nodes: nodes(3),
        pods: [pod("old1", "n1", { hash: "old", ready: false }), ...olds(3).slice(1)],
      },
      want: ["delete old1 old->new"],
    },
    {
      name: "two unavailable old pods both go, beyond a budget of one, and nothing else",
      input: {
        ds: withStrategy(unavailableOne),
        nodes: nodes(4),
        pods: [
          pod("old1", "n1", { hash: "old", ready: false }),
          pod("old2", "n2", { hash: "old", ready: false }),
          ...olds(4).slice(2),
        ],
      },
      want: ["delete old1 old->new", "delete old2 old->new"],
    },
    {
      name: "with maxUnavailable 2, one unavailable old pod leaves room for one more",
      input: {
        ds: withStrategy({ rollingUpdate: { maxUnavailable: 2 } }),
        nodes: nodes(4),
        pods: [pod("old1", "n1", { hash: "old", ready: false }), ...olds(4).slice(1)],
      },
      want: ["delete old1 old->new", "delete old2 old->new"],
    },
    {
      name: "an unreachable node is left alone and does not hold the budget",
      input: {
        ds: withStrategy(unavailableOne),
        nodes: [unreachable("n1"), node("n2"), node("n3")],
        pods: [pod("old1", "n1", { hash: "old", ready: false }), ...olds(3).slice(1)],
      },
      want: ["delete old2 old->new"],
    },
    {
      name: "an unreachable node with its old pod terminating does not hold the budget",
      input: {
        ds: withStrategy(unavailableOne),
        nodes: [unreachable("n1"), node("n2"), node("n3")],
        pods: [pod("old1", "n1", { hash: "old", terminating: true }), ...olds(3).slice(1)],
      },
      want: ["delete old2 old->new"],
    },
    {
      name: "a node back from unreachable is updated in turn",
      input: {
        ds: withStrategy(unavailableOne),
        nodes: nodes(3),
        pods: [pod("old1", "n1", { hash: "old" }), pod("new2", "n2"), pod("new3", "n3")],
      },
      want: ["delete old1 old->new"],
    },
    {
      name: "paused: no rollout step, but a node without a pod still gets one",
      input: {
        ds: withStrategy(unavailableOne, { paused: true }),
        nodes: nodes(3),
        pods: olds(2),
      },
      want: ["create on n3"],
    },
    {
      name: "OnDelete: old pods stay",
      input: { ds: withStrategy({ type: "OnDelete" }), nodes: nodes(3), pods: olds(3) },
      want: [],
    },
    {
      name: "OnDelete: a deleted old pod comes back with the new template (plain create)",
      input: {
        ds: withStrategy({ type: "OnDelete" }),
        nodes: nodes(3),
        pods: olds(3).slice(1),
      },
      want: ["create on n1"],
    },
    {
      name: "surge: a new pod starts beside an available old one, within maxSurge",
      input: { ds: withStrategy(surgeOne), nodes: nodes(3), pods: olds(3) },
      want: ["create on n1 old->new"],
    },
    {
      name: "surge: 50% of 3 nodes rounds up to 2",
      input: {
        ds: withStrategy({ rollingUpdate: { maxUnavailable: 0, maxSurge: "50%" } }),
        nodes: nodes(3),
        pods: olds(3),
      },
      want: ["create on n1 old->new", "create on n2 old->new"],
    },
    {
      name: "surge: the old pod stays while the new one beside it is not available",
      input: {
        ds: withStrategy(surgeOne),
        nodes: nodes(3),
        pods: [...olds(3), pod("new1", "n1", { ready: false })],
      },
      want: [],
    },
    {
      name: "surge: the old pod goes once the new one is available",
      input: {
        ds: withStrategy(surgeOne),
        nodes: nodes(3),
        pods: [...olds(3), pod("new1", "n1")],
      },
      want: ["delete old1 old->new", "create on n2 old->new"],
    },
    {
      name: "surge: minReadySeconds keeps the old pod until the new one has been ready long enough",
      input: {
        ds: withStrategy(surgeOne, { minReadySeconds: 30 }),
        nodes: nodes(2),
        pods: [...olds(2), pod("new1", "n1", { readySince: "2026-11-23T09:59:50Z" })],
      },
      want: [],
    },
    {
      name: "surge: an unavailable old pod gets its new pod at once and counts as surging",
      input: {
        ds: withStrategy(surgeOne),
        nodes: nodes(3),
        pods: [pod("old1", "n1", { hash: "old", ready: false }), ...olds(3).slice(1)],
      },
      want: ["create on n1 old->new"],
    },
    {
      name: "surge: no new pod beside an old one while another is terminating there",
      input: {
        ds: withStrategy(surgeOne),
        nodes: nodes(2),
        pods: [...olds(2), pod("gone1", "n1", { hash: "older", terminating: true })],
      },
      want: ["create on n2 old->new"],
    },
    {
      name: "surge: an unreachable node is skipped, not surged onto",
      input: {
        ds: withStrategy(surgeOne),
        nodes: [unreachable("n1"), node("n2")],
        pods: olds(2),
      },
      want: ["create on n2 old->new"],
    },
    {
      name: "surge: paused does nothing, not even delete an old pod beside an available new one",
      input: {
        ds: withStrategy(surgeOne, { paused: true }),
        nodes: nodes(2),
        pods: [...olds(2), pod("new1", "n1")],
      },
      want: [],
    },
    {
      name: "surge: a third pod on a node is deleted, old and new are kept",
      input: {
        ds: withStrategy(surgeOne),
        nodes: nodes(1),
        pods: [
          pod("old1", "n1", { hash: "old", created: "2026-11-23T08:00:00Z" }),
          pod("old1b", "n1", { hash: "old", created: "2026-11-23T08:30:00Z" }),
          pod("new1", "n1", { ready: false }),
        ],
      },
      want: ["delete old1b"],
    },
    {
      name: "no surge: old and new on one node, the oldest stays",
      input: {
        ds: withStrategy(unavailableOne),
        nodes: nodes(1),
        pods: [
          pod("old1", "n1", { hash: "old", created: "2026-11-23T08:00:00Z" }),
          pod("new1", "n1", { created: "2026-11-23T09:00:00Z" }),
        ],
      },
      want: ["delete new1"],
    },
  ];
  for (const c of cases)
    it(c.name, () => assert.deepEqual(plan(c.input).actions.map(brief), c.want));

  it("status during a surge counts a node once, updated when it has a new pod", () => {
    const { status } = plan({
      ds: withStrategy(surgeOne),
      nodes: nodes(3),
      pods: [...olds(3), pod("new1", "n1", { ready: false })],
    });
    assert.equal(status.desiredNumberScheduled, 3);
    assert.equal(status.currentNumberScheduled, 3);
    assert.equal(status.updatedNumberScheduled, 1);
    assert.equal(status.numberReady, 3);
    assert.equal(status.numberAvailable, 3);
  });

  it("an unreachable node's pod counts unavailable in status", () => {
    const { status } = plan({
      ds: withStrategy(unavailableOne),
      nodes: [unreachable("n1"), node("n2")],
      pods: [pod("old1", "n1", { hash: "old", ready: false }), pod("new2", "n2")],
    });
    assert.equal(status.numberUnavailable, 1);
    assert.equal(status.updatedNumberScheduled, 1);
  });
});

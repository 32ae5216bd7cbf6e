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

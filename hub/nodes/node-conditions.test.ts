import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { NodeCondition, Taint } from "kubernetes-types/core/v1.js";
import { mergeConditions, taintsForConditions } from "./node-conditions.js";

const t0 = new Date("2024-05-06T12:00:00Z");
const t1 = new Date("2024-05-06T12:00:10Z");

const held: NodeCondition[] = [
  {
    type: "Ready",
    status: "True",
    reason: "AgentReady",
    lastHeartbeatTime: t0.toISOString(),
    lastTransitionTime: t0.toISOString(),
  },
  {
    type: "MemoryPressure",
    status: "False",
    reason: "AgentHasSufficientMemory",
    lastHeartbeatTime: t0.toISOString(),
    lastTransitionTime: t0.toISOString(),
  },
];

describe("merging reported node conditions", () => {
  it("a report with nothing new changes nothing (no write)", () => {
    const merged = mergeConditions(
      held,
      [
        {
          type: "MemoryPressure",
          status: "False",
          reason: "AgentHasSufficientMemory",
          message: "figures moved",
        },
      ],
      t1,
    );
    assert.equal(merged.changed, false);
    assert.deepEqual(merged.conditions, held);
  });

  it("a new status replaces the condition with the agent's transition time; others stay", () => {
    const merged = mergeConditions(
      held,
      [
        {
          type: "MemoryPressure",
          status: "True",
          reason: "AgentHasInsufficientMemory",
          message: "low",
          lastTransitionTime: "2024-05-06T12:00:08.000Z",
        },
        { type: "DiskPressure", status: "False", reason: "AgentHasNoDiskPressure" },
      ],
      t1,
    );
    assert.equal(merged.changed, true);
    assert.deepEqual(merged.conditions[0], held[0]);
    assert.deepEqual(merged.conditions[1], {
      type: "MemoryPressure",
      status: "True",
      reason: "AgentHasInsufficientMemory",
      message: "low",
      lastHeartbeatTime: t1.toISOString(),
      lastTransitionTime: "2024-05-06T12:00:08.000Z",
    });
    assert.equal(merged.conditions[2]?.lastTransitionTime, t1.toISOString());
  });
});

describe("taints by condition", () => {
  const operator: Taint = { key: "dedicated", value: "db", effect: "NoSchedule" };
  const conditions = (statuses: Record<string, string>): NodeCondition[] =>
    Object.entries(statuses).map(([type, status]) => ({ type, status }));

  it("pressure taints NoSchedule, Ready=False taints not-ready NoExecute with its time", () => {
    const taints = taintsForConditions(
      [operator],
      conditions({
        Ready: "False",
        MemoryPressure: "True",
        DiskPressure: "True",
        PIDPressure: "True",
      }),
      t1,
    );
    assert.deepEqual(taints, [
      operator,
      { key: "node.kubernetes.io/memory-pressure", effect: "NoSchedule" },
      { key: "node.kubernetes.io/disk-pressure", effect: "NoSchedule" },
      { key: "node.kubernetes.io/pid-pressure", effect: "NoSchedule" },
      { key: "node.kubernetes.io/not-ready", effect: "NoExecute", timeAdded: t1.toISOString() },
    ]);
  });

  it("removes condition taints that no longer hold, keeps the rest as they were", () => {
    const before: Taint[] = [
      { key: "node.kubernetes.io/not-ready", effect: "NoExecute", timeAdded: t0.toISOString() },
      operator,
      { key: "node.kubernetes.io/disk-pressure", effect: "NoSchedule" },
      { key: "node.kubernetes.io/unreachable", effect: "NoExecute", timeAdded: t0.toISOString() },
    ];
    assert.deepEqual(
      taintsForConditions(before, conditions({ Ready: "False", DiskPressure: "False" }), t1),
      [before[0], operator, before[3]],
    );
  });
});

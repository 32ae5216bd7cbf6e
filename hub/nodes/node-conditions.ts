// A node's conditions as its agent reports them, merged into what the hub holds, and the taints
// they imply (Kubernetes's taint-by-condition): pressure keeps new pods off (NoSchedule), a node
// that is not Ready evicts what does not tolerate it (NoExecute). Pure.
import type { NodeCondition, Taint } from "kubernetes-types/core/v1.js";
import type { HeartbeatCondition } from "../../proto/hub-agent-frames.js";
import { NODE_TAINT } from "../placement/index.js";

/** The conditions whose True (or, for Ready, False) status taints the node. */
const CONDITION_TAINTS: readonly { type: string; status: string; taint: Taint }[] = [
  {
    type: "MemoryPressure",
    status: "True",
    taint: { key: NODE_TAINT.memoryPressure, effect: "NoSchedule" },
  },
  {
    type: "DiskPressure",
    status: "True",
    taint: { key: NODE_TAINT.diskPressure, effect: "NoSchedule" },
  },
  {
    type: "PIDPressure",
    status: "True",
    taint: { key: NODE_TAINT.pidPressure, effect: "NoSchedule" },
  },
  { type: "Ready", status: "False", taint: { key: NODE_TAINT.notReady, effect: "NoExecute" } },
];

export interface MergedConditions {
  conditions: NodeCondition[];
  /** False when the report said nothing new (status and reason of every type as held). */
  changed: boolean;
}

/**
 * The reported conditions replace those of the same type; others stay. A condition whose status
 * and reason are unchanged is kept as held, so a heartbeat that says nothing new writes nothing.
 */
export function mergeConditions(
  held: readonly NodeCondition[],
  reported: readonly HeartbeatCondition[],
  now: Date,
): MergedConditions {
  let changed = false;
  const merged = [...held];
  for (const r of reported) {
    const i = merged.findIndex((c) => c.type === r.type);
    const before = i >= 0 ? merged[i] : undefined;
    if (before && before.status === r.status && before.reason === r.reason) continue;
    changed = true;
    const next: NodeCondition = {
      type: r.type,
      status: r.status,
      ...(r.reason === undefined ? {} : { reason: r.reason }),
      ...(r.message === undefined ? {} : { message: r.message }),
      lastHeartbeatTime: now.toISOString(),
      lastTransitionTime:
        before?.status === r.status
          ? (before.lastTransitionTime ?? now.toISOString())
          : (r.lastTransitionTime ?? now.toISOString()),
    };
    if (i >= 0) merged[i] = next;
    else merged.push(next);
  }
  return { conditions: merged, changed };
}

/**
 * The node's taints with the condition taints made to match the conditions: added (timeAdded
 * for NoExecute, as Kubernetes stamps it) or removed; every other taint is left as it is.
 */
export function taintsForConditions(
  taints: readonly Taint[],
  conditions: readonly NodeCondition[],
  now: Date,
): Taint[] {
  const managed = new Set(CONDITION_TAINTS.map((c) => c.taint.key));
  const wanted = CONDITION_TAINTS.filter(({ type, status }) =>
    conditions.some((c) => c.type === type && c.status === status),
  ).map(({ taint }) => taint);
  const kept = taints.filter(
    (t) => !managed.has(t.key) || wanted.some((w) => w.key === t.key && w.effect === t.effect),
  );
  const added = wanted
    .filter((w) => !kept.some((t) => t.key === w.key && t.effect === w.effect))
    .map((w) => (w.effect === "NoExecute" ? { ...w, timeAdded: now.toISOString() } : w));
  return [...kept, ...added];
}

import type { DaemonSet, DaemonSetStatus } from "kubernetes-types/apps/v1.js";
import type { Node, Pod } from "kubernetes-types/core/v1.js";
import type { PlacementDecision } from "../placement/index.js";
import { REVISION_HASH_LABEL } from "./template-hash.js";

/** Deleting a pod is graceful: it terminates on its node first (see the pod lifecycle). */
export type DaemonSetAction =
  | { kind: "createPod"; nodeName: string; reason: string }
  | { kind: "deletePod"; pod: Pod; reason: string };

export interface DaemonSetPlanInput {
  ds: DaemonSet;
  /** The hash of the DaemonSet's current template. */
  currentHash: string;
  nodes: readonly Node[];
  /** Pods this DaemonSet owns. */
  pods: readonly Pod[];
  place: (node: Node) => PlacementDecision;
  now: number;
}

export interface DaemonSetPlan {
  actions: DaemonSetAction[];
  status: DaemonSetStatus;
}

/**
 * Desired nodes + owned pods → pods to create and delete, and the status counters: one pod per
 * eligible node, none elsewhere. A template change replaces pods one node at a time: an old pod
 * is deleted only while no pod of the DaemonSet is unavailable (maxUnavailable 1; the rolling
 * update issue generalises this), and an old pod that is already unavailable goes first.
 */
export function planDaemonSet(input: DaemonSetPlanInput): DaemonSetPlan {
  const { ds, currentHash, now } = input;
  const minReady = ds.spec?.minReadySeconds ?? 0;
  const nodeNames = new Set(input.nodes.map((n) => n.metadata?.name ?? ""));
  const byNode = groupByNode(input.pods);
  const actions: DaemonSetAction[] = [];
  const oldPods: Pod[] = [];
  const counts = { desired: 0, current: 0, misscheduled: 0, ready: 0, available: 0, updated: 0 };

  for (const [nodeName, pods] of byNode) {
    if (!nodeNames.has(nodeName)) {
      for (const pod of pods)
        actions.push({ kind: "deletePod", pod, reason: `node ${nodeName} is gone` });
    }
  }

  for (const node of input.nodes) {
    const nodeName = node.metadata?.name ?? "";
    const decision = input.place(node);
    const onNode = byNode.get(nodeName) ?? [];
    const live = onNode.filter((p) => !p.metadata?.deletionTimestamp);
    // A pod still terminating holds its node (host ports, files) until the agent reports it gone.
    const terminating = onNode.length - live.length;
    const failed = live.filter((p) => p.status?.phase === "Failed");
    const running = live.filter((p) => p.status?.phase !== "Failed");
    for (const pod of failed) {
      actions.push({
        kind: "deletePod",
        pod,
        reason: `pod failed on node ${nodeName}; it will be replaced`,
      });
    }
    if (!decision.shouldRun && running.length > 0) counts.misscheduled++;
    if (!decision.shouldContinueRunning) {
      const why = decision.reasons.map((r) => r.message).join("; ");
      for (const pod of running) {
        actions.push({
          kind: "deletePod",
          pod,
          reason: `node ${nodeName} no longer runs this DaemonSet: ${why}`,
        });
      }
      continue;
    }
    if (decision.shouldRun) counts.desired++;
    if (running.length === 0) {
      if (decision.shouldRun && terminating === 0) {
        actions.push({ kind: "createPod", nodeName, reason: "node runs no pod of this DaemonSet" });
      }
      continue;
    }
    // Never two: keep the oldest, as the Kubernetes controller does, and delete the rest.
    const [keep, ...extra] = [...running].sort(byCreation);
    for (const pod of extra) {
      actions.push({
        kind: "deletePod",
        pod,
        reason: `node ${nodeName} runs more than one pod of this DaemonSet`,
      });
    }
    if (!keep || !decision.shouldRun) continue;
    counts.current++;
    const updated = keep.metadata?.labels?.[REVISION_HASH_LABEL] === currentHash;
    if (updated) counts.updated++;
    else oldPods.push(keep);
    if (isReady(keep)) counts.ready++;
    if (isAvailable(keep, minReady, now)) counts.available++;
  }

  const unavailable = counts.desired - counts.available;
  actions.push(...replaceOldPods(oldPods, unavailable, minReady, now));
  return {
    actions,
    status: {
      desiredNumberScheduled: counts.desired,
      currentNumberScheduled: counts.current,
      numberMisscheduled: counts.misscheduled,
      numberReady: counts.ready,
      numberAvailable: counts.available,
      numberUnavailable: unavailable,
      updatedNumberScheduled: counts.updated,
      observedGeneration: ds.metadata?.generation,
    },
  };
}

function replaceOldPods(
  oldPods: Pod[],
  unavailable: number,
  minReady: number,
  now: number,
): DaemonSetAction[] {
  const broken = oldPods.find((p) => !isAvailable(p, minReady, now));
  if (broken) {
    return [
      {
        kind: "deletePod",
        pod: broken,
        reason: "template changed; the old pod is unavailable anyway",
      },
    ];
  }
  const [next] = oldPods;
  if (next && unavailable === 0) {
    return [
      { kind: "deletePod", pod: next, reason: "template changed; replacing one node at a time" },
    ];
  }
  return [];
}

function groupByNode(pods: readonly Pod[]): Map<string, Pod[]> {
  const byNode = new Map<string, Pod[]>();
  for (const pod of pods) {
    const node = pod.spec?.nodeName ?? "";
    byNode.set(node, [...(byNode.get(node) ?? []), pod]);
  }
  return byNode;
}

function byCreation(a: Pod, b: Pod): number {
  const ta = a.metadata?.creationTimestamp ?? "";
  const tb = b.metadata?.creationTimestamp ?? "";
  return ta === tb
    ? (a.metadata?.name ?? "").localeCompare(b.metadata?.name ?? "")
    : ta.localeCompare(tb);
}

export function isReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}

/** Ready for at least minReadySeconds, judged by the Ready condition's transition time. */
export function isAvailable(pod: Pod, minReadySeconds: number, now: number): boolean {
  const ready = pod.status?.conditions?.find((c) => c.type === "Ready" && c.status === "True");
  if (!ready) return false;
  if (minReadySeconds <= 0) return true;
  const since = Date.parse(ready.lastTransitionTime ?? "");
  return Number.isFinite(since) && since + minReadySeconds * 1000 <= now;
}

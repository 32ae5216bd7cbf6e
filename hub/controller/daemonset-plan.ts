import type { DaemonSet, DaemonSetStatus } from "kubernetes-types/apps/v1.js";
import type { Node, Pod } from "kubernetes-types/core/v1.js";
import { NODE_TAINT, type PlacementDecision } from "../placement/index.js";
import { isAvailable, isReady } from "./pod-availability.js";
import { planRollout, type NodeSlot, type RolloutStep } from "./rollout-plan.js";
import { isPaused, rolloutStrategy } from "./rollout-strategy.js";
import { revisionHash } from "./template-hash.js";

/**
 * Deleting a pod is graceful: it terminates on its node first (see the pod lifecycle). A rollout
 * step says which node it moves from which revision to which.
 */
export type DaemonSetAction =
  | { kind: "createPod"; nodeName: string; reason: string; step?: RolloutStep }
  | { kind: "deletePod"; pod: Pod; reason: string; step?: RolloutStep };

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
 * eligible node, none elsewhere, and while a template change rolls out (rollout-plan.ts) at most
 * one old and one new pod on a node when the strategy surges.
 */
export function planDaemonSet(input: DaemonSetPlanInput): DaemonSetPlan {
  const { ds, currentHash, now } = input;
  const minReady = ds.spec?.minReadySeconds ?? 0;
  const nodeNames = new Set(input.nodes.map((n) => n.metadata?.name ?? ""));
  const byNode = groupByNode(input.pods);
  const decisions = input.nodes.map((node) => ({ node, decision: input.place(node) }));
  const desired = decisions.filter(({ decision }) => decision.shouldRun).length;
  const strategy = rolloutStrategy(ds, desired);
  const surges = strategy.type === "RollingUpdate" && strategy.maxSurge > 0;
  const actions: DaemonSetAction[] = [];
  const slots: NodeSlot[] = [];
  const counts = { current: 0, misscheduled: 0, ready: 0, available: 0, updated: 0 };

  for (const [nodeName, pods] of byNode) {
    if (!nodeNames.has(nodeName)) {
      for (const pod of pods)
        actions.push({ kind: "deletePod", pod, reason: `node ${nodeName} is gone` });
    }
  }

  for (const { node, decision } of decisions) {
    const nodeName = node.metadata?.name ?? "";
    const onNode = byNode.get(nodeName) ?? [];
    const live = onNode.filter((p) => !p.metadata?.deletionTimestamp);
    // A pod still terminating holds its node (host ports, files) until the agent reports it gone.
    const terminating = onNode.length > live.length;
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
    if (running.length === 0) {
      if (!decision.shouldRun) continue;
      if (!terminating) {
        actions.push({ kind: "createPod", nodeName, reason: "node runs no pod of this DaemonSet" });
      }
      slots.push({ nodeName, terminating, reachable: isReachable(node) });
      continue;
    }
    const { old, updated, extra } = keepOnNode(running, currentHash, surges);
    for (const pod of extra) {
      actions.push({
        kind: "deletePod",
        pod,
        reason: `node ${nodeName} runs more than one pod of this DaemonSet`,
      });
    }
    if (!decision.shouldRun) continue;
    const kept = [old, updated].filter((p): p is Pod => p !== undefined);
    counts.current++;
    if (updated) counts.updated++;
    if (kept.some(isReady)) counts.ready++;
    if (kept.some((p) => isAvailable(p, minReady, now))) counts.available++;
    // A pod deleted just now as extra is terminating from here on.
    const busy = terminating || extra.length > 0;
    slots.push({ nodeName, old, updated, terminating: busy, reachable: isReachable(node) });
  }

  actions.push(
    ...planRollout({
      slots,
      strategy,
      paused: isPaused(ds),
      currentHash,
      minReadySeconds: minReady,
      now,
    }),
  );
  return {
    actions,
    status: {
      desiredNumberScheduled: desired,
      currentNumberScheduled: counts.current,
      numberMisscheduled: counts.misscheduled,
      numberReady: counts.ready,
      numberAvailable: counts.available,
      numberUnavailable: desired - counts.available,
      updatedNumberScheduled: counts.updated,
      observedGeneration: ds.metadata?.generation,
    },
  };
}

/**
 * Never two of a kind: the oldest pod stays, as the Kubernetes controller keeps it. Only a
 * surging rollout keeps one old pod beside one of the current template.
 */
function keepOnNode(
  running: readonly Pod[],
  currentHash: string,
  surges: boolean,
): { old?: Pod; updated?: Pod; extra: Pod[] } {
  const sorted = [...running].sort(byCreation);
  const isCurrent = (p: Pod) => revisionHash(p) === currentHash;
  if (!surges) {
    const [keep, ...extra] = sorted;
    return keep && isCurrent(keep) ? { updated: keep, extra } : { old: keep, extra };
  }
  const updated = sorted.find(isCurrent);
  const old = sorted.find((p) => !isCurrent(p));
  return { old, updated, extra: sorted.filter((p) => p !== old && p !== updated) };
}

/** The node lifecycle marks a silent node Ready=Unknown and taints it unreachable. */
function isReachable(node: Node): boolean {
  const ready = node.status?.conditions?.find((c) => c.type === "Ready");
  const tainted = node.spec?.taints?.some((t) => t.key === NODE_TAINT.unreachable) ?? false;
  return ready?.status !== "Unknown" && !tainted;
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

// The rolling update, pure: which old pods go and where new pods start beside old ones, within
// the DaemonSet's budget. Pods missing altogether are the main planner's (daemonset-plan.ts).
import type { Pod } from "kubernetes-types/core/v1.js";
import { isAvailable } from "./pod-availability.js";
import type { RolloutStrategy } from "./rollout-strategy.js";
import { revisionHash } from "./template-hash.js";

/** What a node holds of one DaemonSet that should run there. */
export interface NodeSlot {
  nodeName: string;
  /** The pod of an older template, when there is one. */
  old?: Pod;
  /** The pod of the current template, when there is one. */
  updated?: Pod;
  /** A pod of the DaemonSet is still terminating there. */
  terminating: boolean;
  /** The node's agent answers; nothing done to an unreachable node takes effect before it does. */
  reachable: boolean;
}

/** From which revision (hash) to which a step moves a node. */
export interface RolloutStep {
  nodeName: string;
  fromHash: string;
  toHash: string;
}

export type RolloutAction =
  | { kind: "createPod"; nodeName: string; reason: string; step: RolloutStep }
  | { kind: "deletePod"; pod: Pod; reason: string; step: RolloutStep };

export interface RolloutInput {
  /** Every node that should run the DaemonSet. */
  slots: readonly NodeSlot[];
  strategy: RolloutStrategy;
  paused: boolean;
  currentHash: string;
  minReadySeconds: number;
  now: number;
}

/**
 * One sync's worth of rollout steps. Without surge, old pods are deleted while fewer than
 * maxUnavailable nodes are unavailable, and an old pod that is unavailable anyway goes at once but
 * is counted too (Kubernetes forgets to count it and can exceed the budget). With surge, a new pod
 * starts beside an available old one while fewer than maxSurge nodes run two, beside an
 * unavailable one at once, and the old pod is deleted once the new one is available. Unreachable
 * nodes are left alone and kept out of the budget: they count as unavailable in status, but the
 * rollout goes on elsewhere and reaches them when they return. OnDelete and a paused rollout do
 * nothing here.
 */
export function planRollout(input: RolloutInput): RolloutAction[] {
  const { strategy } = input;
  if (strategy.type === "OnDelete" || input.paused) return [];
  const slots = input.slots
    .filter((s) => s.reachable)
    .sort((a, b) => (a.nodeName < b.nodeName ? -1 : a.nodeName > b.nodeName ? 1 : 0));
  const available = (pod: Pod) => isAvailable(pod, input.minReadySeconds, input.now);
  const step = (slot: NodeSlot, old: Pod): RolloutStep => ({
    nodeName: slot.nodeName,
    fromHash: revisionHash(old),
    toHash: input.currentHash,
  });
  return strategy.maxSurge > 0
    ? surge(slots, strategy.maxSurge, available, step, input.minReadySeconds)
    : replaceInPlace(slots, strategy.maxUnavailable, available, step);
}

type Available = (pod: Pod) => boolean;
type StepOf = (slot: NodeSlot, old: Pod) => RolloutStep;

function replaceInPlace(
  slots: readonly NodeSlot[],
  maxUnavailable: number,
  available: Available,
  step: StepOf,
): RolloutAction[] {
  let unavailable = 0;
  const broken: { slot: NodeSlot; old: Pod }[] = [];
  const candidates: { slot: NodeSlot; old: Pod }[] = [];
  for (const slot of slots) {
    const pod = slot.updated ?? slot.old;
    if (pod === undefined || slot.terminating || (slot.updated && slot.old)) {
      // Empty, or a pod still terminating: the main planner fills the node once it is free. Two
      // pods (left by a surge): the main planner keeps one. Either way, wait for this node.
      unavailable++;
    } else if (!available(pod)) {
      unavailable++;
      if (slot.old) broken.push({ slot, old: slot.old });
    } else if (slot.old) {
      candidates.push({ slot, old: slot.old });
    }
  }
  const room = Math.max(0, maxUnavailable - unavailable);
  const actions: RolloutAction[] = broken.map(({ slot, old }) => ({
    kind: "deletePod",
    pod: old,
    reason: "rolling update: the old pod is unavailable anyway, so it is replaced at once",
    step: step(slot, old),
  }));
  for (const { slot, old } of candidates.slice(0, room)) {
    actions.push({
      kind: "deletePod",
      pod: old,
      reason: `rolling update: replacing the old pod (maxUnavailable ${maxUnavailable}, ${unavailable} unavailable before this step)`,
      step: step(slot, old),
    });
    unavailable++;
  }
  return actions;
}

function surge(
  slots: readonly NodeSlot[],
  maxSurge: number,
  available: Available,
  step: StepOf,
  minReadySeconds: number,
): RolloutAction[] {
  const actions: RolloutAction[] = [];
  const candidates: { slot: NodeSlot; old: Pod }[] = [];
  let surging = 0;
  for (const slot of slots) {
    const { old, updated } = slot;
    if (old === undefined) continue;
    if (updated !== undefined) {
      if (available(updated)) {
        const since = minReadySeconds > 0 ? ` for ${minReadySeconds}s` : "";
        actions.push({
          kind: "deletePod",
          pod: old,
          reason: `rolling update: the new pod beside it has been available${since}`,
          step: step(slot, old),
        });
      } else {
        surging++;
      }
    } else if (slot.terminating) {
      // A third pod would crowd the node; wait for the terminating one to go.
      continue;
    } else if (!available(old)) {
      // Nothing to protect here: start the new pod now, and count it among the surging nodes.
      surging++;
      actions.push({
        kind: "createPod",
        nodeName: slot.nodeName,
        reason:
          "rolling update: the old pod is unavailable, so the new one starts beside it at once",
        step: step(slot, old),
      });
    } else {
      candidates.push({ slot, old });
    }
  }
  const room = Math.max(0, maxSurge - surging);
  for (const { slot, old } of candidates.slice(0, room)) {
    actions.push({
      kind: "createPod",
      nodeName: slot.nodeName,
      reason: `rolling update: starting the new pod beside the old one (maxSurge ${maxSurge}, ${surging} surging before this step)`,
      step: step(slot, old),
    });
    surging++;
  }
  return actions;
}

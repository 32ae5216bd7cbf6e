// How a DaemonSet rolls a template change out: its strategy with the budgets resolved against the
// number of nodes that should run it, and whether the rollout is paused.
import type { DaemonSet } from "kubernetes-types/apps/v1.js";

/**
 * Kubernetes DaemonSets have no `spec.paused`; daemonlet pauses a rollout with this annotation
 * on the DaemonSet (`daemonlet rollout pause|resume` set and remove it). Only "true" pauses.
 */
export const PAUSED_ANNOTATION = "daemonlet.io/paused";

export type RolloutStrategy =
  { type: "OnDelete" } | { type: "RollingUpdate"; maxUnavailable: number; maxSurge: number };

/**
 * An integer, or a percentage of `total` rounded up ("25%" of 10 is 3), as Kubernetes scales a
 * DaemonSet's budgets. The manifest schema has already refused anything else.
 */
export function scaledValue(value: number | string, total: number): number {
  if (typeof value === "number") return value;
  const percent = Number(value.replace(/%$/, ""));
  const exact = (percent * total) / 100;
  return Math.ceil(exact);
}

/**
 * The strategy of `ds` for `desired` nodes (desiredNumberScheduled). Defaults: RollingUpdate,
 * maxUnavailable 1, maxSurge 0. For DaemonSets Kubernetes rounds both percentages up (unlike
 * Deployments, whose unavailability rounds down), and when both come to 0 (e.g. 0% of any
 * number of nodes, or any percentage of none) one node may be unavailable, so a rollout moves.
 */
export function rolloutStrategy(ds: DaemonSet, desired: number): RolloutStrategy {
  const strategy = ds.spec?.updateStrategy;
  if (strategy?.type === "OnDelete") return { type: "OnDelete" };
  const maxSurge = scaledValue(strategy?.rollingUpdate?.maxSurge ?? 0, desired);
  const maxUnavailable = scaledValue(strategy?.rollingUpdate?.maxUnavailable ?? 1, desired);
  if (maxSurge === 0 && maxUnavailable === 0) {
    return { type: "RollingUpdate", maxUnavailable: 1, maxSurge: 0 };
  }
  return { type: "RollingUpdate", maxUnavailable, maxSurge };
}

export function isPaused(ds: DaemonSet): boolean {
  return ds.metadata?.annotations?.[PAUSED_ANNOTATION] === "true";
}

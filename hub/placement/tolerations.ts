// Taints and tolerations (Kubernetes `Toleration.ToleratesTaint`). Placement looks only at
// NoSchedule and NoExecute taints; PreferNoSchedule is a scheduler's scoring hint, and a
// DaemonSet has nothing to score.
import type { Taint, Toleration } from "kubernetes-types/core/v1.js";

/** The taint effects that keep a DaemonSet pod off a node. */
const BLOCKING_EFFECTS: ReadonlySet<string> = new Set(["NoSchedule", "NoExecute"]);

/**
 * Whether one toleration tolerates one taint: an empty effect matches every effect, an empty key
 * every key, `Exists` every value, `Equal` (the default) only the same value. tolerationSeconds
 * only bounds how long a NoExecute taint is tolerated once it appears, so it plays no part here.
 */
export function tolerationTolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  // Validation requires `Exists` when the key is empty; like Kubernetes we do not rely on it and
  // let an empty key with `Equal` match any key that carries the same value.
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator ?? "") {
    case "":
    case "Equal":
      return (t.value ?? "") === (taint.value ?? "");
    case "Exists":
      return true;
    default:
      // Includes Lt/Gt, which Kubernetes accepts only behind an alpha feature gate.
      return false;
  }
}

/** The node's NoSchedule and NoExecute taints that none of the tolerations tolerates. */
export function untoleratedTaints(taints: Taint[], tolerations: Toleration[]): Taint[] {
  return taints.filter(
    (taint) =>
      BLOCKING_EFFECTS.has(taint.effect) && !tolerations.some((t) => tolerationTolerates(t, taint)),
  );
}

/** `key=value:Effect`, or `key:Effect` without a value — the form `kubectl taint` takes. */
export function describeTaint(taint: Taint): string {
  return taint.value
    ? `${taint.key}=${taint.value}:${taint.effect}`
    : `${taint.key}:${taint.effect}`;
}

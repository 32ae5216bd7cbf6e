// The tolerations Kubernetes adds to every DaemonSet pod (`AddOrUpdateDaemonPodTolerations`).
// A DaemonSet pod is the node's own infrastructure (its network plugin, log shipper, agent), so it
// must start and stay on a node that is cordoned, under resource pressure, not ready or
// unreachable — often it is what makes the node healthy again.
import type { PodSpec, Toleration } from "kubernetes-types/core/v1.js";

/** Taint keys the node lifecycle controller and the agent's conditions put on nodes. */
export const NODE_TAINT = {
  notReady: "node.kubernetes.io/not-ready",
  unreachable: "node.kubernetes.io/unreachable",
  diskPressure: "node.kubernetes.io/disk-pressure",
  memoryPressure: "node.kubernetes.io/memory-pressure",
  pidPressure: "node.kubernetes.io/pid-pressure",
  unschedulable: "node.kubernetes.io/unschedulable",
  networkUnavailable: "node.kubernetes.io/network-unavailable",
} as const;

/** Built afresh on each call so a caller that edits the result cannot change the defaults. */
function defaultTolerations(hostNetwork: boolean): Toleration[] {
  const exists = (key: string, effect: "NoSchedule" | "NoExecute"): Toleration => ({
    key,
    operator: "Exists",
    effect,
  });
  return [
    // No tolerationSeconds: tolerated forever, so a node problem never evicts the pod.
    exists(NODE_TAINT.notReady, "NoExecute"),
    exists(NODE_TAINT.unreachable, "NoExecute"),
    exists(NODE_TAINT.diskPressure, "NoSchedule"),
    exists(NODE_TAINT.memoryPressure, "NoSchedule"),
    exists(NODE_TAINT.pidPressure, "NoSchedule"),
    // Cordoning sets spec.unschedulable, which shows up as this taint; tolerating it is what lets
    // DaemonSet pods run on cordoned nodes.
    exists(NODE_TAINT.unschedulable, "NoSchedule"),
    // Only a host-network pod can run before the node's pod network is up (it is often the
    // network plugin itself).
    ...(hostNetwork ? [exists(NODE_TAINT.networkUnavailable, "NoSchedule")] : []),
  ];
}

/** Same key, operator, value and effect: Kubernetes's `MatchToleration`, compared as written. */
function sameToleration(a: Toleration, b: Toleration): boolean {
  return (
    (a.key ?? "") === (b.key ?? "") &&
    (a.operator ?? "") === (b.operator ?? "") &&
    (a.value ?? "") === (b.value ?? "") &&
    (a.effect ?? "") === (b.effect ?? "")
  );
}

/**
 * Kubernetes's `AddOrUpdateTolerationInPodSpec`: a template toleration that is the same as the
 * default is replaced by it, so e.g. a template's own tolerationSeconds on not-ready is dropped
 * and the pod still tolerates that taint forever; otherwise the default is appended.
 */
function addOrUpdate(tolerations: Toleration[], wanted: Toleration): Toleration[] {
  if (!tolerations.some((t) => sameToleration(t, wanted))) return [...tolerations, wanted];
  return tolerations.map((t) => (sameToleration(t, wanted) ? wanted : t));
}

/** The template's tolerations plus the DaemonSet defaults, each default present once. */
export function withDefaultDaemonSetTolerations(spec: PodSpec): Toleration[] {
  return defaultTolerations(spec.hostNetwork === true).reduce(addOrUpdate, spec.tolerations ?? []);
}

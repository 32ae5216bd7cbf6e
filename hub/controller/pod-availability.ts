// Whether a DaemonSet pod serves: Ready as its agent reports it, and available once it has been
// Ready for minReadySeconds.
import type { Pod } from "kubernetes-types/core/v1.js";

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

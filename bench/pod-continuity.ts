// Whether a hub restart lost or recreated pods: the pods before and after, by node and uid.

export interface PodOnNode {
  uid: string;
  nodeName: string;
  phase: string;
}

export interface PodContinuity {
  /** Pods there before and after, with the same uid. */
  kept: number;
  /** Pods there before that are gone. */
  lost: number;
  /** Pods there after that were not there before (recreated or new). */
  created: number;
  /** Pods there after that are not Running. */
  notRunning: number;
}

export function podContinuity(
  before: readonly PodOnNode[],
  after: readonly PodOnNode[],
): PodContinuity {
  const earlier = new Set(before.map((p) => p.uid));
  const later = new Set(after.map((p) => p.uid));
  let kept = 0;
  for (const uid of earlier) if (later.has(uid)) kept++;
  return {
    kept,
    lost: earlier.size - kept,
    created: later.size - kept,
    notRunning: after.filter((p) => p.phase !== "Running").length,
  };
}

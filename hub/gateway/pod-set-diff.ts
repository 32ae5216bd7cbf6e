// What a session must send to bring an agent from the pod set it last sent to the current one.
// Pure: pods are compared by uid and by a hash of the whole AssignedPod, so a pod whose labels,
// annotations or spec changed is sent again, and an unchanged one is not.
import { createHash } from "node:crypto";
import type { AssignedPod } from "../../proto/hub-agent-frames.js";

/** uid → podHash of what the agent was last sent. */
export type SentPodSet = ReadonlyMap<string, string>;

export interface PodSetDiff {
  upserts: AssignedPod[];
  removedUids: string[];
  /** What the agent holds once the diff is applied. */
  next: Map<string, string>;
}

/** Hashes of pods the backend hands out again unchanged (it keeps them until they change). */
const hashes = new WeakMap<AssignedPod, string>();

/**
 * A hash of the pod as JSON.stringify writes it, not of a canonical form (six times the cost, a
 * third of a second for a 10 000-node rollout): pods come from the store's JSON, whose key order
 * a write keeps, and equal content in another key order only costs a needless upsert.
 */
/**
 * Lets a source that already has a cheap key for a pod's content hand it over, so the pod is
 * never serialised here. The key only needs to differ between two contents of the same uid.
 */
export function setPodHash(pod: AssignedPod, key: string): void {
  hashes.set(pod, key);
}

export function podHash(pod: AssignedPod): string {
  let hash = hashes.get(pod);
  if (hash === undefined) {
    hash = createHash("sha256").update(JSON.stringify(pod)).digest("base64");
    hashes.set(pod, hash);
  }
  return hash;
}

export function diffPodSet(sent: SentPodSet, current: readonly AssignedPod[]): PodSetDiff {
  const next = new Map<string, string>();
  const upserts: AssignedPod[] = [];
  for (const pod of current) {
    const hash = podHash(pod);
    next.set(pod.uid, hash);
    if (sent.get(pod.uid) !== hash) upserts.push(pod);
  }
  const removedUids = [...sent.keys()].filter((uid) => !next.has(uid));
  return { upserts, removedUids, next };
}

export function isEmptyDiff(diff: PodSetDiff): boolean {
  return diff.upserts.length === 0 && diff.removedUids.length === 0;
}

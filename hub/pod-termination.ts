import type { Pod } from "kubernetes-types/core/v1.js";
import type { Logger } from "winston";
import type { PodObject, Store } from "./store/index.js";
import { isConflict } from "./store/index.js";

export const MIRROR_ANNOTATION = "kubernetes.io/config.mirror";
const CONFIG_SOURCE_ANNOTATION = "kubernetes.io/config.source";

export function isMirrorPod(pod: Pod): boolean {
  return pod.metadata?.annotations?.[MIRROR_ANNOTATION] !== undefined;
}

export function isStaticPodReport(pod: Pod): boolean {
  return pod.metadata?.annotations?.[CONFIG_SOURCE_ANNOTATION] === "file";
}

/**
 * Deleting a pod is graceful, as in Kubernetes: a pod bound to a known node is marked with a
 * deletionTimestamp, leaves the node's pod set, and is removed from the store once its agent
 * reports it gone; only then may a replacement take its node (host ports, files). A pod whose node
 * does not exist, and a mirror pod (its static pod keeps running on the node), go at once.
 */
export function terminatePod(store: Store, pod: Pod, logger: Logger): void {
  const namespace = pod.metadata?.namespace ?? "default";
  const name = pod.metadata?.name ?? "";
  const stored = store.get<PodObject>("Pod", namespace, name);
  if (!stored) return;
  const nodeName = stored.spec?.nodeName;
  const nodeKnown = nodeName !== undefined && store.get("Node", "", nodeName) !== undefined;
  // Checked before "already terminating": a pod whose node is gone will never be reported gone.
  if (!nodeKnown || isMirrorPod(stored)) {
    removePod(store, stored);
    return;
  }
  if (stored.metadata.deletionTimestamp) return;
  store.update<PodObject>({
    ...stored,
    metadata: { ...stored.metadata, deletionTimestamp: rfc3339(new Date()) },
  });
  logger.debug("pod terminating", { pod: `${namespace}/${name}`, node: nodeName });
}

/** Removes the object itself, only if it is still the same pod (not a same-named successor). */
export function removePod(store: Store, pod: Pod): void {
  try {
    store.delete("Pod", pod.metadata?.namespace ?? "default", pod.metadata?.name ?? "", {
      uid: pod.metadata?.uid,
    });
  } catch (err) {
    // A same-named successor took its place: that one is not ours to remove.
    if (!isConflict(err)) throw err;
  }
}

export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** A deleted node's pods go with it, whoever owns them: no agent will ever report them gone. */
export function collectPodsOfNode(store: Store, nodeName: string): void {
  for (const pod of store.list<PodObject>("Pod", { nodeName }).items) removePod(store, pod);
}

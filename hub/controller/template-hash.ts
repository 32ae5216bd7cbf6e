import { createHash } from "node:crypto";
import type { Pod, PodTemplateSpec } from "kubernetes-types/core/v1.js";
import { canonicalJson } from "../../agent/pods/spec-hash.js";

/**
 * The revision hash of a DaemonSet template, over a canonical form we own (versioned), so a
 * library's serialisation never changes it. Pods carry it as `controller-revision-hash`.
 */
export function templateHash(template: PodTemplateSpec): string {
  const digest = createHash("sha256")
    .update(canonicalJson({ v: 1, template }))
    .digest("hex");
  return digest.slice(0, 10);
}

export const REVISION_HASH_LABEL = "controller-revision-hash";

/** The revision hash a pod was created with; "" for a pod without one. */
export function revisionHash(pod: Pod): string {
  return pod.metadata?.labels?.[REVISION_HASH_LABEL] ?? "";
}

// What a ControllerRevision of a DaemonSet holds: its pod template under `data.spec.template`,
// as Kubernetes stores it, so `rollout undo` can put it back.
import type { ControllerRevision } from "kubernetes-types/apps/v1.js";
import type { PodTemplateSpec } from "kubernetes-types/core/v1.js";

export function revisionData(template: PodTemplateSpec | undefined): object {
  return { spec: { template } };
}

/** The template a revision holds; throws for a revision the hub did not write. */
export function revisionTemplate(revision: ControllerRevision): PodTemplateSpec {
  const data: unknown = revision.data;
  if (typeof data === "object" && data !== null && "spec" in data) {
    const spec: unknown = data.spec;
    if (typeof spec === "object" && spec !== null && "template" in spec) {
      const template: unknown = spec.template;
      if (typeof template === "object" && template !== null) return template;
    }
  }
  throw new TypeError(`revision ${revision.metadata?.name} holds no pod template`);
}

// A container's environment as the kubelet builds it: entries in order, each `value` expanded
// against the entries before it, `valueFrom` resolved through the Downward API (and never
// expanded), a later entry with the same name replacing an earlier one.
import { podContainers, type DefaultedContainer, type DesiredPod } from "./desired-pod.js";
import { fieldRefValue, resourceFieldValue, type NodeCapacity } from "./downward-api.js";
import { expandVars } from "./env-expansion.js";

export interface EnvContext {
  hostIP: string;
  nodeCapacity: NodeCapacity;
}

/** Name → value, in the order names first appear. */
export function resolveEnv(
  pod: DesiredPod,
  container: DefaultedContainer,
  ctx: EnvContext,
): Map<string, string> {
  const env = new Map<string, string>();
  for (const { name, value, valueFrom } of container.env ?? []) {
    if (value) {
      env.set(
        name,
        expandVars(value, (ref) => env.get(ref)),
      );
    } else if (valueFrom?.fieldRef) {
      env.set(name, fieldRefValue(pod, valueFrom.fieldRef.fieldPath, ctx.hostIP));
    } else if (valueFrom?.resourceFieldRef) {
      const ref = valueFrom.resourceFieldRef;
      const target = ref.containerName
        ? podContainers(pod).find((c) => c.name === ref.containerName)
        : container;
      if (!target) throw new Error(`resourceFieldRef names unknown container ${ref.containerName}`);
      env.set(name, resourceFieldValue(target, ref.resource, ref.divisor, ctx.nodeCapacity));
    } else {
      env.set(name, "");
    }
  }
  return env;
}

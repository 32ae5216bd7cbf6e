// Where a pod stands in its init phase, read from what the engine shows, so the planner and the
// status agree without remembering anything: the kubelet's rule (findNextInitContainerToRun).
import type { DefaultedContainer, DefaultedPodSpec } from "./pods/desired-pod.js";
import type { ObservedContainer } from "./runtime/runtime.js";

export type InitProgress =
  | { done: true }
  | {
      done: false;
      /** The init container to run or wait for: the first that has not completed. */
      index: number;
      container: DefaultedContainer;
      /** Its newest attempt, if it has one. */
      latest?: ObservedContainer;
    };

/**
 * Init containers run one at a time, in order, each to a successful exit. A pod is initialized
 * once every init container has completed, or as soon as any app container exists: init
 * containers are never run again for a pod whose app containers have been created (even when the
 * engine has since lost the finished init containers).
 */
export function initProgress(
  spec: Pick<DefaultedPodSpec, "initContainers" | "containers">,
  observed: readonly ObservedContainer[],
): InitProgress {
  const inits = spec.initContainers ?? [];
  if (inits.length === 0) return { done: true };
  const apps = new Set(spec.containers.map((c) => c.name));
  if (observed.some((c) => apps.has(c.containerName))) return { done: true };
  for (const [index, container] of inits.entries()) {
    const latest = latestAttempt(observed, container.name);
    if (latest && hasCompleted(latest)) continue;
    return { done: false, index, container, latest };
  }
  return { done: true };
}

export function latestAttempt(
  observed: readonly ObservedContainer[],
  name: string,
): ObservedContainer | undefined {
  let latest: ObservedContainer | undefined;
  for (const c of observed) {
    if (c.containerName === name && (!latest || c.attempt > latest.attempt)) latest = c;
  }
  return latest;
}

/** Exited by itself with status 0. */
export function hasCompleted(c: ObservedContainer): boolean {
  return c.state === "exited" && c.exitCode === 0 && !c.error;
}

// The READY, STATUS and RESTARTS columns, computed the way kubectl's pod printer does
// (k8s.io/kubernetes/pkg/printers/internalversion, printPod), so they read the same as on a
// Kubernetes cluster, init containers (`Init:1/2`, `Init:CrashLoopBackOff`) included.
import type { ContainerStatus, Pod, PodCondition } from "kubernetes-types/core/v1.js";
import { age } from "./duration.js";

export interface PodSummary {
  /** Ready containers over all containers, e.g. `1/2`. */
  ready: string;
  /** The most telling reason, e.g. `Running`, `CrashLoopBackOff`, `Completed`, `Terminating`. */
  status: string;
  /** e.g. `0`, or `3 (25s ago)` with the age of the last restart. */
  restarts: string;
}

// The reason the node controller gives a pod on a node that stopped answering.
const NODE_UNREACHABLE_REASON = "NodeLost";

function hasReadyCondition(conditions: PodCondition[] | undefined): boolean {
  return (conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
}

function hasInitializedCondition(conditions: PodCondition[] | undefined): boolean {
  return (conditions ?? []).some((c) => c.type === "Initialized" && c.status === "True");
}

/** A container's own reason, or undefined when it is neither waiting with one nor terminated. */
function containerReason(status: ContainerStatus): string | undefined {
  const { waiting, terminated } = status.state ?? {};
  if (waiting?.reason) return waiting.reason;
  if (terminated?.reason) return terminated.reason;
  if (terminated !== undefined) {
    return terminated.signal ? `Signal:${terminated.signal}` : `ExitCode:${terminated.exitCode}`;
  }
  return undefined;
}

export function summarizePod(pod: Pod, now: Date): PodSummary {
  const status = pod.status ?? {};
  const phase = status.phase ?? "";
  let reason = status.reason || phase;
  let readyContainers = 0;
  let restarts = 0;
  let lastRestart: string | undefined;
  let hasRunning = false;
  const countRestarts = (container: ContainerStatus) => {
    restarts += container.restartCount;
    const finishedAt = container.lastState?.terminated?.finishedAt;
    if (
      finishedAt &&
      (lastRestart === undefined || Date.parse(finishedAt) > Date.parse(lastRestart))
    ) {
      lastRestart = finishedAt;
    }
  };

  // The first init container that has not completed names the pod's status while it initializes.
  const initStatuses = status.initContainerStatuses ?? [];
  const initTotal = pod.spec?.initContainers?.length ?? initStatuses.length;
  let initializing = false;
  for (const [i, container] of initStatuses.entries()) {
    countRestarts(container);
    const { waiting, terminated } = container.state ?? {};
    if (terminated?.exitCode === 0) continue;
    initializing = true;
    if (terminated !== undefined) reason = `Init:${containerReason(container)}`;
    else if (waiting?.reason && waiting.reason !== "PodInitializing") {
      reason = `Init:${waiting.reason}`;
    } else reason = `Init:${i}/${initTotal}`;
    break;
  }

  if (!initializing || hasInitializedCondition(status.conditions)) {
    restarts = 0;
    lastRestart = undefined;
    // Backwards, so that the first container with a reason of its own names the pod's status.
    for (const container of [...(status.containerStatuses ?? [])].reverse()) {
      countRestarts(container);
      const own = containerReason(container);
      if (own !== undefined) {
        reason = own;
      } else if (container.ready && container.state?.running !== undefined) {
        hasRunning = true;
        readyContainers++;
      }
    }
    // A container that completed next to one still running does not make the pod Completed.
    if (reason === "Completed" && hasRunning) {
      reason = hasReadyCondition(status.conditions) ? "Running" : "NotReady";
    }
  }

  if (pod.metadata?.deletionTimestamp) {
    if (status.reason === NODE_UNREACHABLE_REASON) reason = "Unknown";
    else if (phase !== "Succeeded" && phase !== "Failed") reason = "Terminating";
  }

  const total = pod.spec?.containers.length ?? 0;
  return {
    ready: `${readyContainers}/${total}`,
    status: reason,
    restarts:
      restarts !== 0 && lastRestart !== undefined
        ? `${restarts} (${age(lastRestart, now)} ago)`
        : String(restarts),
  };
}

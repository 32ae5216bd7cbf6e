import type {
  ContainerState,
  ContainerStateWaiting,
  ContainerStatus,
  Pod,
  PodCondition,
  PodStatus,
} from "kubernetes-types/core/v1.js";
import { podContainers, type DesiredPod } from "./pods/desired-pod.js";
import type { ObservedContainer } from "./runtime/runtime.js";
import type { ContainerFailure } from "./planner.js";
import { initProgress, type InitProgress } from "./init-progress.js";

export interface PodStatusInput {
  uid: string;
  desired?: DesiredPod;
  observed: readonly ObservedContainer[];
  failures: ReadonlyMap<string, ContainerFailure>;
  /** Containers held back by a back-off, until when. */
  backoffUntil: ReadonlyMap<string, number>;
  /** What a step still running says a container waits for (pulling its image), by name. */
  inProgress?: ReadonlyMap<string, ContainerStateWaiting>;
  hostIP: string;
  /** When this agent first saw the pod: its creation time as far as the node knows. */
  firstSeen: Date;
  /** Probe verdicts for a running container; without probes a running container is ready. */
  probes?: (containerName: string) => { ready: boolean; started: boolean };
  /** What was reported last, so that condition transition times only move on a change. */
  previous?: Pod;
  now: number;
}

/** Desired + observed → the pod as Kubernetes shapes it (metadata, spec, status). Pure. */
export function buildPodView(input: PodStatusInput): Pod {
  const { desired } = input;
  const sample = input.observed[0];
  const names = desired?.spec.containers.map((c) => c.name) ?? uniqueNames(input.observed);
  const statuses = names.map((name) => containerStatus(input, name));
  const inits = desired?.spec.initContainers ?? [];
  const initStatuses = inits.map((c) => initContainerStatus(input, c.name));
  const init: InitProgress = desired ? initProgress(desired.spec, input.observed) : { done: true };
  const hostNetwork = desired?.spec.hostNetwork ?? false;
  const status: PodStatus = {
    phase: phase(input, statuses, init),
    conditions: conditions(input, statuses, initStatuses, init),
    hostIP: input.hostIP,
    podIP: hostNetwork ? input.hostIP : podIP(input.observed),
    startTime: iso(input.firstSeen),
    ...(initStatuses.length > 0 && { initContainerStatuses: initStatuses }),
    containerStatuses: statuses,
  };
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: desired?.name ?? sample?.podName ?? input.uid,
      namespace: desired?.namespace ?? sample?.namespace ?? "default",
      uid: input.uid,
      labels: desired?.labels,
      annotations: desired?.annotations,
      creationTimestamp: iso(input.firstSeen),
      ...(desired ? {} : { deletionTimestamp: iso(new Date(input.now)) }),
    },
    spec: desired ? { ...desired.spec, nodeName: desired.nodeName } : undefined,
    status,
  };
}

function uniqueNames(observed: readonly ObservedContainer[]): string[] {
  return [...new Set(observed.map((c) => c.containerName))].sort();
}

function podIP(observed: readonly ObservedContainer[]): string | undefined {
  return observed.find((c) => c.state === "running" && c.ipAddress)?.ipAddress;
}

function attemptsOf(input: PodStatusInput, name: string): ObservedContainer[] {
  return input.observed
    .filter((c) => c.containerName === name)
    .sort((a, b) => b.attempt - a.attempt);
}

/** Kubernetes: an init container is ready once it has completed, and started only while it runs. */
function initContainerStatus(input: PodStatusInput, name: string): ContainerStatus {
  const status = containerStatus(input, name);
  const completed = status.state?.terminated?.exitCode === 0;
  return { ...status, ready: completed, started: status.state?.running !== undefined };
}

function containerStatus(input: PodStatusInput, name: string): ContainerStatus {
  const [latest, ...older] = attemptsOf(input, name);
  const spec = input.desired && podContainers(input.desired).find((c) => c.name === name);
  const image = latest?.image ?? spec?.image ?? "";
  const running = latest?.state === "running";
  const probed = running ? input.probes?.(name) : undefined;
  const finishedPrevious = older.find((c) => c.state === "exited" || c.state === "dead");
  const state = currentState(input, name, latest);
  const lastFinished =
    state.waiting && latest && latest.state !== "created" ? latest : finishedPrevious;
  return {
    name,
    image,
    imageID: latest?.imageId ?? "",
    containerID: latest ? `docker://${latest.id}` : undefined,
    ready: running && (probed?.ready ?? true),
    started: running && (probed?.started ?? true),
    restartCount: latest?.attempt ?? 0,
    state,
    lastState: lastFinished && !isSame(lastFinished, latest, state) ? terminated(lastFinished) : {},
  };
}

/** The latest attempt is reported as terminated already when it is what `state` shows. */
function isSame(
  candidate: ObservedContainer,
  latest: ObservedContainer | undefined,
  state: ContainerState,
): boolean {
  return candidate === latest && state.terminated !== undefined;
}

function currentState(
  input: PodStatusInput,
  name: string,
  latest: ObservedContainer | undefined,
): ContainerState {
  if (latest?.state === "running") return { running: { startedAt: iso(latest.startedAt) } };
  // Work under way is newer than any failure or back-off remembered from before it began.
  const progress = input.inProgress?.get(name);
  if (progress) return { waiting: { ...progress } };
  const failure = input.failures.get(name);
  const until = input.backoffUntil.get(name);
  const podRef = `${input.desired?.name ?? latest?.podName}_${input.desired?.namespace ?? latest?.namespace}(${input.uid})`;
  if (until !== undefined && Number.isFinite(until)) {
    const seconds = Math.max(0, Math.ceil((until - input.now) / 1000));
    if (failure && !latest) {
      const reason = failure.reason === "ErrImagePull" ? "ImagePullBackOff" : failure.reason;
      return { waiting: { reason, message: failure.message } };
    }
    return {
      waiting: {
        reason: "CrashLoopBackOff",
        message: `back-off ${seconds}s restarting failed container=${name} pod=${podRef}`,
      },
    };
  }
  if (failure && (!latest || latest.error)) {
    return { waiting: { reason: failure.reason, message: failure.message } };
  }
  if (latest && (latest.state === "exited" || latest.state === "dead")) return terminated(latest);
  if (latest?.error) return { waiting: { reason: "RunContainerError", message: latest.error } };
  // The kubelet's default for a container not created yet, in a pod with an init phase or not.
  const initializing = (input.desired?.spec.initContainers?.length ?? 0) > 0;
  return { waiting: { reason: initializing ? "PodInitializing" : "ContainerCreating" } };
}

function terminated(c: ObservedContainer): ContainerState {
  const exitCode = c.exitCode ?? (c.error ? 128 : 0);
  let reason = exitCode === 0 ? "Completed" : "Error";
  if (c.oomKilled) reason = "OOMKilled";
  if (c.error && c.state === "created") reason = "StartError";
  return {
    terminated: {
      exitCode,
      reason,
      message: c.error,
      startedAt: iso(c.startedAt),
      finishedAt: iso(c.finishedAt),
      containerID: `docker://${c.id}`,
    },
  };
}

function phase(input: PodStatusInput, statuses: ContainerStatus[], init: InitProgress): string {
  if (statuses.length === 0) return "Pending";
  if (!init.done) {
    // With restartPolicy Never a failed init container is never retried: the pod has failed.
    const { latest } = init;
    const failed = latest && (latest.state === "exited" || latest.state === "dead" || latest.error);
    return failed && input.desired?.spec.restartPolicy === "Never" ? "Failed" : "Pending";
  }
  const everRan = (s: ContainerStatus) =>
    s.state?.running !== undefined ||
    s.state?.terminated !== undefined ||
    s.lastState?.terminated !== undefined;
  if (!statuses.every(everRan)) return "Pending";
  const policy = input.desired?.spec.restartPolicy ?? "Always";
  const allTerminated = statuses.every((s) => s.state?.terminated !== undefined);
  if (allTerminated && policy !== "Always") {
    return statuses.every((s) => s.state?.terminated?.exitCode === 0) ? "Succeeded" : "Failed";
  }
  return "Running";
}

function conditions(
  input: PodStatusInput,
  statuses: ContainerStatus[],
  initStatuses: ContainerStatus[],
  init: InitProgress,
): PodCondition[] {
  const incomplete = initStatuses.filter((s) => !s.ready).map((s) => s.name);
  const initialized: Omit<PodCondition, "type"> = init.done
    ? { status: "True" }
    : {
        status: "False",
        reason: "ContainersNotInitialized",
        message: `containers with incomplete status: [${incomplete.join(" ")}]`,
      };
  const unready = statuses.filter((s) => !s.ready).map((s) => s.name);
  const ready: Omit<PodCondition, "type"> =
    unready.length === 0 && statuses.length > 0
      ? { status: "True" }
      : {
          status: "False",
          reason: "ContainersNotReady",
          message: `containers with unready status: [${unready.join(" ")}]`,
        };
  const wanted: PodCondition[] = [
    { type: "Initialized", ...initialized },
    { type: "Ready", ...ready },
    { type: "ContainersReady", ...ready },
    { type: "PodScheduled", status: "True" },
  ];
  const before = input.previous?.status?.conditions ?? [];
  return wanted.map((c) => {
    const old = before.find((b) => b.type === c.type);
    const since =
      old && old.status === c.status ? old.lastTransitionTime : iso(new Date(input.now));
    return { ...c, lastTransitionTime: since };
  });
}

function iso(d: Date | undefined): string | undefined {
  return d ? d.toISOString().replace(/\.\d{3}Z$/, "Z") : undefined;
}

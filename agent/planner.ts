import type { DefaultedContainer, DesiredPod } from "./pods/desired-pod.js";
import type { ObservedContainer } from "./runtime/runtime.js";
import { specHash } from "./pods/spec-hash.js";
import { BACKOFF_RESET_AFTER_MS } from "./backoff.js";
import { initProgress } from "./init-progress.js";

/** A failure before a container ran (image, volume, create or start), remembered by the worker. */
export interface ContainerFailure {
  at: number;
  reason: string;
  message: string;
}

export interface PodPlanInput {
  uid: string;
  /** Absent when no source wants this pod any more: it must go. */
  desired?: DesiredPod;
  observed: readonly ObservedContainer[];
  failures: ReadonlyMap<string, ContainerFailure>;
  /** Current back-off delay per container name, when one is in force. */
  backoffMs: ReadonlyMap<string, number>;
  /** Another pod with the same namespace/name still has containers: wait for it to go. */
  waitForPredecessor: boolean;
  /** Running containers whose liveness (or startup) probe failed, by name. */
  livenessFailures?: ReadonlyMap<string, { message: string; gracePeriodSeconds?: number }>;
  now: number;
}

export type Step =
  | { kind: "kill"; container: ObservedContainer; gracePeriodSeconds: number; reason: string }
  | { kind: "remove"; container: ObservedContainer; reason: string }
  | { kind: "start"; container: ObservedContainer; reason: string }
  | {
      kind: "run";
      container: DefaultedContainer;
      attempt: number;
      reason: string;
      /** Restarts and retries count against the back-off; a first run or a clean 10 min run do not. */
      backoff: "count" | "reset" | "none";
    }
  | { kind: "wait"; containerName: string; until: number; reason: string }
  | { kind: "cleanup"; reason: string };

/**
 * Desired + observed → the steps that bring one pod closer to what is wanted, in the order they
 * must run: unwanted containers go first, then the init container due (while the pod is not
 * initialized), else the missing app containers are run.
 */
export function planPod(input: PodPlanInput): Step[] {
  const { desired } = input;
  if (!desired) return planRemoval(input.observed);
  const steps: Step[] = [];
  const inits = desired.spec.initContainers ?? [];
  const wanted = new Set([...inits, ...desired.spec.containers].map((c) => c.name));
  for (const c of input.observed) {
    if (!wanted.has(c.containerName))
      steps.push(...killAndRemove(c, "container no longer in the pod spec"));
  }
  for (const container of inits) {
    steps.push(...pruneAttempts(attemptsOf(input.observed, container.name)));
  }
  const init = initProgress(desired.spec, input.observed);
  if (!init.done) {
    return [...steps, ...planInitContainer(input, desired, init.container, init.latest)];
  }
  for (const container of desired.spec.containers) {
    steps.push(
      ...planContainer(input, desired, container, attemptsOf(input.observed, container.name)),
    );
  }
  return steps;
}

/** Newest first. */
function attemptsOf(observed: readonly ObservedContainer[], name: string): ObservedContainer[] {
  return observed.filter((c) => c.containerName === name).sort((a, b) => b.attempt - a.attempt);
}

/** Older attempts go, except the newest finished one, as the kubelet keeps for `logs --previous`. */
function pruneAttempts([, ...older]: ObservedContainer[]): Step[] {
  const previous = older.find(isFinished);
  return older.flatMap((c) => (c === previous ? [] : killAndRemove(c, "superseded attempt")));
}

/**
 * An init container runs to completion before the next one starts; a failed one is retried with
 * back-off unless the pod's restartPolicy is Never, in which case the pod has failed for good.
 * Init containers have no probes or hooks (validation refuses them).
 */
function planInitContainer(
  input: PodPlanInput,
  pod: DesiredPod,
  container: DefaultedContainer,
  latest: ObservedContainer | undefined,
): Step[] {
  if (!latest) return firstRun(input, container);
  if (latest.specHash !== specHash(pod, container)) {
    const grace = pod.spec.terminationGracePeriodSeconds;
    return [
      ...killAndRemove(latest, "container spec changed", grace),
      ...runOrWait(input, container, latest.attempt + 1, "container spec changed", undefined),
    ];
  }
  if (latest.state === "created" && !latest.error) {
    return [{ kind: "start", container: latest, reason: "created but not started" }];
  }
  if (!isFinished(latest) || !shouldRestart(pod.spec.restartPolicy, latest)) return [];
  return runOrWait(input, container, latest.attempt + 1, restartReason(latest), latest);
}

function firstRun(input: PodPlanInput, container: DefaultedContainer): Step[] {
  if (input.waitForPredecessor) {
    return [
      {
        kind: "wait",
        containerName: container.name,
        until: Infinity,
        reason: "previous pod still terminating",
      },
    ];
  }
  return runOrWait(input, container, 0, "pod started", undefined);
}

function planRemoval(observed: readonly ObservedContainer[]): Step[] {
  if (observed.length === 0) return [{ kind: "cleanup", reason: "pod removed" }];
  return observed.flatMap((c) => killAndRemove(c, "pod removed"));
}

function killAndRemove(c: ObservedContainer, reason: string, grace = c.gracePeriodSeconds): Step[] {
  const steps: Step[] = [];
  if (isLive(c)) steps.push({ kind: "kill", container: c, gracePeriodSeconds: grace, reason });
  steps.push({ kind: "remove", container: c, reason });
  return steps;
}

function isLive(c: ObservedContainer): boolean {
  return c.state === "running" || c.state === "restarting" || c.state === "paused";
}

/** A container that will never run again by itself: it exited, died or failed to start. */
function isFinished(c: ObservedContainer): boolean {
  return c.state === "exited" || c.state === "dead" || (c.state === "created" && !!c.error);
}

function planContainer(
  input: PodPlanInput,
  pod: DesiredPod,
  container: DefaultedContainer,
  attempts: ObservedContainer[],
): Step[] {
  const steps = pruneAttempts(attempts);
  const [latest] = attempts;
  const hash = specHash(pod, container);
  if (!latest) return [...steps, ...firstRun(input, container)];
  if (latest.specHash !== hash) {
    const grace = pod.spec.terminationGracePeriodSeconds;
    steps.push(...killAndRemove(latest, "container spec changed", grace));
    return [
      ...steps,
      ...runOrWait(input, container, latest.attempt + 1, "container spec changed", undefined),
    ];
  }
  const livenessFailure = input.livenessFailures?.get(container.name);
  if (isLive(latest) && livenessFailure !== undefined) {
    // The kubelet kills an unhealthy container; restartPolicy then decides, as for any exit.
    const grace = livenessFailure.gracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds;
    const reason = `${livenessFailure.message}; the container will be restarted`;
    return [...steps, { kind: "kill", container: latest, gracePeriodSeconds: grace, reason }];
  }
  if (isLive(latest)) return steps;
  if (latest.state === "created") {
    if (!latest.error)
      return [...steps, { kind: "start", container: latest, reason: "created but not started" }];
  }
  if (!isFinished(latest) || !shouldRestart(pod.spec.restartPolicy, latest)) return steps;
  return [
    ...steps,
    ...runOrWait(input, container, latest.attempt + 1, restartReason(latest), latest),
  ];
}

function shouldRestart(policy: DesiredPod["spec"]["restartPolicy"], c: ObservedContainer): boolean {
  if (policy === "Always") return true;
  if (policy === "Never") return false;
  return c.exitCode !== 0 || !!c.error;
}

function restartReason(c: ObservedContainer): string {
  if (c.error) return `start failed: ${c.error}`;
  return c.oomKilled
    ? "container was OOM-killed"
    : `container exited with code ${c.exitCode ?? "unknown"}`;
}

/**
 * Run the next attempt now, or wait while a back-off is in force. After a crash the kubelet's
 * rule holds: the delay in force was set by the previous restart, so the first restart is
 * immediate. After a failure before anything ran (image, volume, create), the failure itself
 * set the delay.
 */
function runOrWait(
  input: PodPlanInput,
  container: DefaultedContainer,
  attempt: number,
  reason: string,
  finished: ObservedContainer | undefined,
): Step[] {
  const failure = input.failures.get(container.name);
  const delay = input.backoffMs.get(container.name);
  if (finished) {
    const ranFor =
      finished.startedAt && finished.finishedAt
        ? finished.finishedAt.getTime() - finished.startedAt.getTime()
        : 0;
    if (ranFor >= BACKOFF_RESET_AFTER_MS) {
      return [{ kind: "run", container, attempt, reason, backoff: "reset" }];
    }
    const failedAt = finished.finishedAt?.getTime() ?? failure?.at ?? finished.createdAt.getTime();
    if (delay !== undefined && input.now < failedAt + delay) {
      return [{ kind: "wait", containerName: container.name, until: failedAt + delay, reason }];
    }
    return [{ kind: "run", container, attempt, reason, backoff: "count" }];
  }
  if (failure && delay !== undefined && input.now < failure.at + delay) {
    const why = `${failure.reason}: ${failure.message}`;
    return [
      { kind: "wait", containerName: container.name, until: failure.at + delay, reason: why },
    ];
  }
  return [{ kind: "run", container, attempt, reason, backoff: "none" }];
}

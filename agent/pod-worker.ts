import type { Pod } from "kubernetes-types/core/v1.js";
import type { Logger } from "winston";
import { podContainers, type DesiredPod } from "./pods/desired-pod.js";
import type { ObservedContainer } from "./runtime/runtime.js";
import type { BackoffTracker } from "./backoff.js";
import { backoffKey } from "./backoff.js";
import { planPod, type ContainerFailure, type Step } from "./planner.js";
import { buildPodView } from "./pod-status.js";
import type { ContainerWaiting, StepExecutor } from "./step-executor.js";
import type { ProbedContainer, ProbeManager } from "./probes/index.js";
import type { PodCache } from "./pod-cache.js";

export interface PodWorkerDeps {
  node: string;
  hostIP: string;
  logger: Logger;
  backoff: Pick<BackoffTracker, "delayMs">;
  executor: Pick<StepExecutor, "execute">;
  probes: Pick<ProbeManager, "sync" | "status">;
  /** The observer's relist, planned on when it is new enough (see PodCache.newerThan). */
  cache: Pick<PodCache, "tick" | "newerThan" | "acted">;
  /** The pod's containers now, when the cache is older than what the worker must see. */
  listContainers(podUid: string): Promise<ObservedContainer[]>;
  desired(podUid: string): DesiredPod | undefined;
  /** False while a source could not be read: a pod nobody claims may be one it would claim. */
  mayRemove(): boolean;
  /** True while another pod of the same namespace/name still has containers. */
  hasPredecessor(pod: DesiredPod): boolean;
  /** The pod is gone and cleaned up: the worker can be dropped. */
  onFinished(podUid: string): void;
  /** The pod's Kubernetes-shaped view was recomputed (it may or may not differ). */
  onViewUpdated(): void;
}

/** How long to wait before trying again after the engine refused a kill or remove. */
const RETRY_AFTER_ERROR_MS = 2000;
/** A sync that keeps finding work is cut off after this many rounds and resumed later. */
const MAX_ROUNDS = 8;

/**
 * One serial worker per pod: actions on one pod never race, and every round plans on a listing
 * requested after the previous round's actions and after the listing the worker last planned on,
 * never on older state: the observer's relist when it is that new (the steady state: a periodic
 * resync costs no engine call), else one of its own. A sync requested while one runs only marks
 * the worker dirty: the newest desired state is read at the next round.
 */
export class PodWorker {
  private dirty = false;
  private running = false;
  private finished = false;
  private timer?: NodeJS.Timeout;
  private readonly failures = new Map<string, ContainerFailure>();
  private backoffUntil = new Map<string, number>();
  /** What a step still running says a container waits for (an image pull); only while it runs. */
  private readonly inProgress = new Map<string, ContainerWaiting>();
  private observed: readonly ObservedContainer[] = [];
  /** The cache tick of the listing `observed` came from. */
  private observedAt = 0;
  private view?: Pod;
  private readonly firstSeen = new Date();
  /** The spec while the pod was wanted: a pod being removed still runs its preStop hooks. */
  private lastDesired?: DesiredPod;

  constructor(
    readonly uid: string,
    private readonly deps: PodWorkerDeps,
  ) {}

  requestSync(): void {
    if (this.finished) return;
    this.dirty = true;
    if (!this.running) void this.run();
  }

  stop(): void {
    this.finished = true;
    clearTimeout(this.timer);
  }

  /** The pod as last seen, Kubernetes-shaped; undefined before the first sync. */
  podView(): Pod | undefined {
    return this.view;
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      for (let round = 0; this.dirty && !this.finished; round++) {
        if (round === MAX_ROUNDS) {
          this.schedule(RETRY_AFTER_ERROR_MS);
          break;
        }
        this.dirty = false;
        await this.syncOnce();
      }
    } finally {
      this.running = false;
    }
  }

  private async syncOnce(): Promise<void> {
    const { deps, uid } = this;
    try {
      await this.observe();
    } catch (err) {
      deps.logger.warn("cannot list the pod's containers; will retry", {
        podUid: uid,
        error: String(err),
      });
      this.schedule(RETRY_AFTER_ERROR_MS);
      return;
    }
    const desired = deps.desired(uid);
    if (desired) this.lastDesired = desired;
    const now = Date.now();
    if (!desired && !deps.mayRemove()) {
      this.updateView(desired, now);
      this.schedule(RETRY_AFTER_ERROR_MS);
      return;
    }
    deps.probes.sync(uid, this.probed(desired));
    const steps = planPod({
      uid,
      desired,
      observed: this.observed,
      failures: this.failures,
      backoffMs: this.backoffDelays(desired),
      waitForPredecessor: desired ? deps.hasPredecessor(desired) : false,
      livenessFailures: this.livenessFailures(desired),
      now,
    });
    this.backoffUntil = new Map(
      steps.flatMap((s) => (s.kind === "wait" ? [[s.containerName, s.until] as const] : [])),
    );
    const actions = steps.filter((s) => s.kind !== "wait");
    const outcome = await this.execute(desired, actions);
    // Even a failed step may have changed something (created, then failed to start).
    if (actions.length > 0) deps.cache.acted(uid);
    this.updateView(desired, now);
    if (outcome === "finished") {
      this.finished = true;
      deps.probes.sync(uid, []);
      deps.onFinished(uid);
      return;
    }
    if (outcome === "error") this.schedule(RETRY_AFTER_ERROR_MS);
    else if (actions.length > 0) this.dirty = true;
    const nextWake = Math.min(...this.backoffUntil.values());
    if (Number.isFinite(nextWake)) this.schedule(Math.max(0, nextWake - Date.now()));
  }

  private async observe(): Promise<void> {
    const cached = this.deps.cache.newerThan(this.uid, this.observedAt);
    if (cached) {
      this.observed = cached.containers;
      this.observedAt = cached.at;
      return;
    }
    const at = this.deps.cache.tick();
    this.observed = await this.deps.listContainers(this.uid);
    this.observedAt = at;
  }

  /** The latest attempt of each desired container, when it runs: what the probes watch. */
  private probed(desired: DesiredPod | undefined): ProbedContainer[] {
    return (desired?.spec.containers ?? []).flatMap((spec) => {
      const latest = this.observed
        .filter((c) => c.containerName === spec.name)
        .sort((a, b) => b.attempt - a.attempt)[0];
      if (latest?.state !== "running" || !latest.startedAt) return [];
      return [
        {
          containerName: spec.name,
          containerId: latest.id,
          startedAt: latest.startedAt,
          spec,
          podIP: latest.ipAddress,
          hostIP: this.deps.hostIP,
          hostNetwork: desired?.spec.hostNetwork === true,
        },
      ];
    });
  }

  private livenessFailures(desired: DesiredPod | undefined) {
    const failures = new Map<string, { message: string; gracePeriodSeconds?: number }>();
    for (const c of desired?.spec.containers ?? []) {
      const failed = this.deps.probes.status(this.uid, c.name).livenessFailed;
      if (failed) failures.set(c.name, failed);
    }
    return failures;
  }

  private backoffDelays(desired: DesiredPod | undefined): Map<string, number> {
    const delays = new Map<string, number>();
    for (const c of desired ? podContainers(desired) : []) {
      const delay = this.deps.backoff.delayMs(backoffKey(this.uid, c.name));
      if (delay !== undefined) delays.set(c.name, delay);
    }
    return delays;
  }

  private async execute(
    desired: DesiredPod | undefined,
    steps: Step[],
  ): Promise<"done" | "error" | "finished"> {
    for (const step of steps) {
      // execute() turns every failure into a result, so the progress is always cleared here.
      const result = await this.deps.executor.execute(step, {
        uid: this.uid,
        pod: desired ?? this.lastDesired,
        onProgress: (containerName, waiting) => {
          this.inProgress.set(containerName, waiting);
          this.updateView(desired, Date.now());
        },
      });
      this.inProgress.clear();
      if (step.kind === "run" || step.kind === "start") {
        const name = step.kind === "run" ? step.container.name : step.container.containerName;
        if (result.ok) this.failures.delete(name);
        else
          this.failures.set(name, {
            at: Date.now(),
            reason: result.reason,
            message: result.message,
          });
      }
      if (!result.ok) return "error";
      if (step.kind === "cleanup") return "finished";
    }
    return "done";
  }

  private updateView(desired: DesiredPod | undefined, now: number): void {
    if (!desired && this.observed.length === 0) return;
    this.view = buildPodView({
      uid: this.uid,
      desired,
      observed: this.observed,
      failures: this.failures,
      backoffUntil: this.backoffUntil,
      inProgress: this.inProgress,
      hostIP: this.deps.hostIP,
      firstSeen: earliest(this.firstSeen, this.observed),
      previous: this.view,
      probes: (name) => this.deps.probes.status(this.uid, name),
      now,
    });
    this.deps.onViewUpdated();
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.requestSync(), delayMs);
    this.timer.unref();
  }
}

/** An adopted pod was created before this agent started: its oldest container tells when. */
function earliest(seen: Date, observed: readonly ObservedContainer[]): Date {
  let first = seen;
  for (const c of observed) if (c.createdAt < first) first = c.createdAt;
  return first;
}

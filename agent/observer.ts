import type { Logger } from "winston";
import type { ContainerRuntime, ObservedContainer } from "./runtime/runtime.js";
import { ENGINE_DEADLINE_MS, withDeadline } from "./deadline.js";
import { PodCache } from "./pod-cache.js";
import { errorMessage } from "./error-message.js";

export interface ObserverOptions {
  relistIntervalMs: number;
  /** A relist waiting longer than this on the engine counts it as down, as a gone one (5 s). */
  healthDeadlineMs?: number;
  /** Told how long each relist took and whether the engine answered, for the agent's metrics. */
  onRelisted?: (seconds: number, ok: boolean) => void;
}

/**
 * The agent's view of its containers: a periodic relist diffed per pod, with the engine's event
 * stream only as a hint to relist sooner (the kubelet's PLEG). Changed pods are reported by uid;
 * the relist is kept in `cache`, which pod workers plan on when it is new enough for them.
 */
export class ContainerObserver {
  readonly cache = new PodCache();
  private fingerprints = new Map<string, string>();
  private listeners: ((podUid: string) => void)[] = [];
  private relistTimer?: NodeJS.Timeout;
  private eventsAbort?: AbortController;
  private eventsRetryMs = 1000;
  private engineDown = false;
  /** Why the last relist failed, while the engine is down. */
  private engineError?: string;
  /** When the relist under way asked the engine (performance.now()). */
  private listingSince?: number;
  private stopped = false;
  private relisting?: Promise<boolean>;
  private queued?: Promise<boolean>;
  lastRelistOk?: Date;

  constructor(
    private readonly runtime: Pick<ContainerRuntime, "list" | "events">,
    private readonly node: string,
    private readonly logger: Logger,
    private readonly options: ObserverOptions,
  ) {}

  onPodChanged(listener: (podUid: string) => void): void {
    this.listeners.push(listener);
  }

  /** Resolves after the first successful relist, so nobody plans on an empty, unknown view. */
  async start(): Promise<void> {
    while (!this.stopped && !(await this.relist())) {
      await new Promise((r) => setTimeout(r, this.options.relistIntervalMs));
    }
    this.scheduleRelist();
    this.watchEvents();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.relistTimer);
    this.eventsAbort?.abort();
  }

  containersOf(podUid: string): readonly ObservedContainer[] {
    return this.cache.containersOf(podUid);
  }

  podUids(): string[] {
    return this.cache.podUids();
  }

  engineReachable(): boolean {
    return !this.engineDown;
  }

  /**
   * Why the engine counts as down, or undefined while it answers: the last relist failed, or the
   * one under way has waited on the engine longer than the health deadline (a hung engine). The
   * relists every few seconds are the runtime's health check; it needs no call of its own.
   */
  engineProblem(): string | undefined {
    if (this.engineDown) return this.engineError;
    const deadlineMs = this.options.healthDeadlineMs ?? 5000;
    const waited = this.listingSince === undefined ? 0 : performance.now() - this.listingSince;
    if (waited > deadlineMs) return `container engine did not answer within ${deadlineMs / 1000} s`;
    return undefined;
  }

  /**
   * Relists now; false when the engine did not answer. While one is under way, another follows
   * it (one for all who ask meanwhile): what prompted the call, an event say, may have happened
   * after the engine answered the one under way, and pod workers plan on what the relist saw.
   */
  relist(): Promise<boolean> {
    if (this.queued) return this.queued;
    if (!this.relisting) return this.beginRelist();
    this.queued = this.relisting.then(() => {
      this.queued = undefined;
      return this.beginRelist();
    });
    return this.queued;
  }

  private beginRelist(): Promise<boolean> {
    const started = performance.now();
    const relisting = this.doRelist().then((ok) => {
      this.options.onRelisted?.((performance.now() - started) / 1000, ok);
      return ok;
    });
    this.relisting = relisting;
    void relisting.finally(() => {
      if (this.relisting === relisting) this.relisting = undefined;
    });
    return relisting;
  }

  private async doRelist(): Promise<boolean> {
    let containers: ObservedContainer[];
    const at = this.cache.tick();
    this.listingSince = performance.now();
    try {
      containers = await withDeadline(this.runtime.list({ node: this.node }), ENGINE_DEADLINE_MS);
    } catch (err) {
      this.cache.listingFailed();
      this.engineError = errorMessage(err);
      if (!this.engineDown) {
        this.engineDown = true;
        this.logger.error("container engine unreachable; pods keep their last known state", {
          error: String(err),
        });
      }
      return false;
    } finally {
      this.listingSince = undefined;
    }
    if (this.engineDown) {
      this.engineDown = false;
      this.logger.info("container engine reachable again");
    }
    this.lastRelistOk = new Date();
    const next = new Map<string, ObservedContainer[]>();
    for (const c of containers) next.set(c.podUid, [...(next.get(c.podUid) ?? []), c]);
    const changed = new Set<string>();
    const nextPrints = new Map<string, string>();
    for (const [uid, list] of next) {
      const print = fingerprint(list);
      nextPrints.set(uid, print);
      if (this.fingerprints.get(uid) !== print) changed.add(uid);
    }
    for (const uid of this.fingerprints.keys()) if (!next.has(uid)) changed.add(uid);
    this.cache.update(at, next);
    this.fingerprints = nextPrints;
    for (const uid of changed) for (const l of this.listeners) l(uid);
    return true;
  }

  private scheduleRelist(): void {
    if (this.stopped) return;
    this.relistTimer = setTimeout(() => {
      void this.relist().finally(() => this.scheduleRelist());
    }, this.options.relistIntervalMs);
  }

  private watchEvents(): void {
    if (this.stopped) return;
    this.eventsAbort = new AbortController();
    this.runtime.events(
      this.node,
      (event) => {
        if (event.kind === "container") {
          this.eventsRetryMs = 1000;
          void this.relist();
          return;
        }
        this.logger.warn("container engine event stream lost; relisting until it is back", {
          error: event.error.message,
          retryInMs: this.eventsRetryMs,
        });
        setTimeout(() => this.watchEvents(), this.eventsRetryMs).unref();
        this.eventsRetryMs = Math.min(this.eventsRetryMs * 2, 30_000);
      },
      this.eventsAbort.signal,
    );
  }
}

function fingerprint(list: readonly ObservedContainer[]): string {
  return list
    .map((c) => `${c.id}:${c.state}:${c.attempt}:${c.finishedAt?.getTime() ?? ""}:${c.error ?? ""}`)
    .sort()
    .join("|");
}

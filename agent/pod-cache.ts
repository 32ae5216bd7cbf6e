import type { ObservedContainer } from "./runtime/runtime.js";

/** One pod's containers as a node-wide listing saw them, and when that listing was requested. */
export interface PodSnapshot {
  at: number;
  containers: readonly ObservedContainer[];
}

/**
 * The node's containers as the observer last listed them, with the order of events that says
 * whom that listing may serve (the kubelet's pod cache and its GetNewerThan). Times are ticks of
 * one logical clock, so "requested after" never depends on a clock's resolution: a listing is
 * stamped when it is requested, an action on a pod's containers when it has finished. A pod
 * worker may plan on the snapshot only when it was requested after the worker's own last look
 * (its view never goes back in time) and after every action on that pod had finished (it sees
 * what was done to the pod, by this worker or one before it for the same uid).
 */
export class PodCache {
  private clock = 0;
  private at = 0;
  private byPod = new Map<string, ObservedContainer[]>();
  /** False after a listing failed: what the cache holds may be arbitrarily old. */
  private current = false;
  /** When each pod's latest action finished; kept only until a listing requested after it. */
  private readonly actedAt = new Map<string, number>();

  /** The next tick: stamp a listing with it just before requesting it. */
  tick(): number {
    return ++this.clock;
  }

  /** A listing requested at `at` answered (in order: the observer runs one at a time). */
  update(at: number, byPod: Map<string, ObservedContainer[]>): void {
    this.at = at;
    this.byPod = byPod;
    this.current = true;
    for (const [uid, acted] of this.actedAt) if (acted < at) this.actedAt.delete(uid);
  }

  /** A listing failed: nobody plans on the cache again until one succeeds. */
  listingFailed(): void {
    this.current = false;
  }

  /** An action on the pod's containers (create, start, stop, remove…) has just finished. */
  acted(podUid: string): void {
    this.actedAt.set(podUid, this.tick());
  }

  /**
   * The pod's containers if the cache may serve a worker whose last look was at `seen`;
   * undefined when it must list for itself.
   */
  newerThan(podUid: string, seen: number): PodSnapshot | undefined {
    if (!this.current || this.at < seen) return undefined;
    if (this.at <= (this.actedAt.get(podUid) ?? 0)) return undefined;
    return { at: this.at, containers: this.containersOf(podUid) };
  }

  /** The pod's containers as last listed, however old: for views, not for planning. */
  containersOf(podUid: string): readonly ObservedContainer[] {
    return this.byPod.get(podUid) ?? [];
  }

  podUids(): string[] {
    return [...this.byPod.keys()];
  }
}

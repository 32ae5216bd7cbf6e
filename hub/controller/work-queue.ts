/**
 * A level-triggered work queue: a key added while queued is queued once; a key added while its
 * sync runs is synced again afterwards; a failed sync is retried with back-off. One key is
 * processed at a time, so syncs of one DaemonSet never overlap.
 *
 * Syncs of one key are paced by their own fixed cost: after a sync whose reading and planning
 * took d ms (what it returns; all of its time if it returns nothing) the key waits
 * `paceFactor` × d ms before the next one. The writes a sync makes are not counted: they are the
 * work itself, and a rollout's waves must not wait for having done it. A sync over a small fleet takes a millisecond and is
 * never held back; one over ten thousand nodes, woken by every agent of a reconnect storm, runs
 * at most every few hundred ms and takes all the changes since in one go, leaving the rest of the
 * CPU to the agents' sessions.
 */
export class WorkQueue {
  private readonly queued = new Set<string>();
  private readonly retries = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Keys waiting out their pace; they are queued again when it ends. */
  private readonly paced = new Set<string>();
  /** When each key may next be synced (the clock's ms). */
  private readonly notBefore = new Map<string, number>();
  private draining = false;
  private stopped = false;

  constructor(
    private readonly sync: (key: string) => number | void,
    private readonly onError: (key: string, err: unknown, retryInMs: number) => void,
    private readonly paceFactor = DEFAULT_PACE_FACTOR,
    private readonly now: () => number = () => performance.now(),
  ) {}

  add(key: string): void {
    if (this.stopped || this.paced.has(key)) return;
    this.queued.add(key);
    if (!this.draining) {
      this.draining = true;
      setImmediate(() => this.drain());
    }
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
  }

  private drain(): void {
    while (!this.stopped && this.queued.size > 0) {
      const [key] = this.queued;
      if (key === undefined) break;
      this.queued.delete(key);
      const wait = (this.notBefore.get(key) ?? 0) - this.now();
      if (wait > 0) {
        this.paced.add(key);
        this.later(wait, () => {
          this.paced.delete(key);
          this.add(key);
        });
        continue;
      }
      const started = this.now();
      let cost: number | void = undefined;
      try {
        cost = this.sync(key);
        this.retries.delete(key);
      } catch (err) {
        const attempt = (this.retries.get(key) ?? 0) + 1;
        this.retries.set(key, attempt);
        const delay = Math.min(5 * 2 ** attempt, 30_000);
        this.onError(key, err, delay);
        this.later(delay, () => this.add(key));
      } finally {
        const ended = this.now();
        this.notBefore.set(key, ended + this.paceFactor * (cost ?? ended - started));
      }
    }
    this.draining = false;
  }

  private later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }
}

/** The fixed cost of syncs of one busy key takes at most 1 / (1 + 3) of the hub's time. */
export const DEFAULT_PACE_FACTOR = 3;

/**
 * A level-triggered work queue: a key added while queued is queued once; a key added while its
 * sync runs is synced again afterwards; a failed sync is retried with back-off. One key is
 * processed at a time, so syncs of one DaemonSet never overlap.
 */
export class WorkQueue {
  private readonly queued = new Set<string>();
  private readonly retries = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private draining = false;
  private stopped = false;

  constructor(
    private readonly sync: (key: string) => void,
    private readonly onError: (key: string, err: unknown, retryInMs: number) => void,
  ) {}

  add(key: string): void {
    if (this.stopped) return;
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
      try {
        this.sync(key);
        this.retries.delete(key);
      } catch (err) {
        const attempt = (this.retries.get(key) ?? 0) + 1;
        this.retries.set(key, attempt);
        const delay = Math.min(5 * 2 ** attempt, 30_000);
        this.onError(key, err, delay);
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          this.add(key);
        }, delay);
        this.timers.add(timer);
      }
    }
    this.draining = false;
  }
}

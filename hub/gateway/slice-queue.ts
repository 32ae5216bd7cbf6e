// Work that may come in storms (every agent's Hello after a hub restart), run in order but in
// slices of the event loop: between two slices Node polls its sockets, so new connections are
// accepted and authenticated while the queue drains, instead of overflowing the listen backlog
// behind thousands of Hellos handled in one go.

/** How long one slice may run before the event loop gets its turn. */
const DEFAULT_SLICE_MS = 10;

export class SliceQueue {
  private jobs: (() => void)[] = [];
  private next = 0;
  private scheduled = false;

  constructor(
    private readonly onError: (error: unknown) => void,
    private readonly sliceMs = DEFAULT_SLICE_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get length(): number {
    return this.jobs.length - this.next;
  }

  add(job: () => void): void {
    this.jobs.push(job);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.runSlice());
  }

  private runSlice(): void {
    const until = this.now() + this.sliceMs;
    do {
      const job = this.jobs[this.next++];
      try {
        job?.();
      } catch (error) {
        this.onError(error);
      }
    } while (this.next < this.jobs.length && this.now() < until);
    if (this.next < this.jobs.length) {
      // What is done goes, so a queue that never quite empties does not grow.
      if (this.next >= 1024) {
        this.jobs = this.jobs.slice(this.next);
        this.next = 0;
      }
      setImmediate(() => this.runSlice());
      return;
    }
    this.jobs = [];
    this.next = 0;
    this.scheduled = false;
  }
}

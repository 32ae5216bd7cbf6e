// The timer of one probe of one container: a first run after a delay, then one run per period.
// A run still going when the next period comes makes that period skip, never queue, so a slow
// probe cannot pile runs up behind it.

export class ProbeLoop {
  private timer?: NodeJS.Timeout;
  private busy = false;
  private stopped = false;

  /** @param run must not reject: the loop has nobody to report to. */
  constructor(
    private readonly periodMs: number,
    private readonly run: () => Promise<void>,
  ) {}

  start(firstDelayMs: number): void {
    this.schedule(firstDelayMs);
  }

  /** Runs now, unless a run is going already; the period goes on as it was. */
  trigger(): void {
    if (this.busy || this.stopped) return;
    this.busy = true;
    void this.run().finally(() => {
      this.busy = false;
    });
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.schedule(this.periodMs);
      this.trigger();
    }, delayMs);
    // Probes alone must not keep the process alive; the agent's own lifetime decides.
    this.timer.unref();
  }
}

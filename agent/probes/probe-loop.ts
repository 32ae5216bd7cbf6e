// The timer of one probe of one container: a first run after a delay, then one run per period,
// on the node's probe clock (whole-second slots shared by all loops). A run still going when the
// next period comes makes that period skip, never queue, so a slow probe cannot pile runs up
// behind it.
import type { ProbeClock } from "./probe-clock.js";

export class ProbeLoop {
  private cancel?: () => void;
  private busy = false;
  private stopped = false;

  /** @param run must not reject: the loop has nobody to report to. */
  constructor(
    private readonly periodMs: number,
    private readonly clock: ProbeClock,
    private readonly run: () => Promise<void>,
  ) {}

  start(firstDelayMs: number): void {
    this.schedule(this.clock.now() + firstDelayMs);
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
    this.cancel?.();
  }

  private schedule(atMs: number): void {
    if (this.stopped) return;
    this.cancel = this.clock.at(atMs, (slot) => {
      // From the slot it ran in, so that late wakes do not make the period drift.
      this.schedule(slot + this.periodMs);
      this.trigger();
    });
  }
}

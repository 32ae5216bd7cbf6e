// One probe of one container, as the kubelet's probe worker keeps it: a result only takes effect
// after `successThreshold` consecutive successes or `failureThreshold` consecutive failures, and
// until then the previous result stands. Pure: no clock, no I/O.
import type { ProbeOutcome, ProbeResult } from "./probe-result.js";

export interface Thresholds {
  successThreshold: number;
  failureThreshold: number;
}

export class ProbeTracker {
  private last: ProbeOutcome | undefined;
  private run = 0;
  private current: ProbeOutcome | undefined;
  private message = "";

  /**
   * @param initial the result in force before any probe ran: a liveness probe starts healthy,
   * a readiness probe unready, a startup probe undecided.
   */
  constructor(
    private readonly thresholds: Thresholds,
    initial: ProbeOutcome | undefined,
  ) {
    this.current = initial;
  }

  /** The result in force; undefined while undecided. */
  get result(): ProbeOutcome | undefined {
    return this.current;
  }

  /** The message of the run that put the result in force. */
  get lastMessage(): string {
    return this.message;
  }

  /** Counts one run; returns true when the result in force changed. */
  record(result: ProbeResult): boolean {
    if (result.outcome === this.last) this.run++;
    else {
      this.last = result.outcome;
      this.run = 1;
    }
    const needed =
      result.outcome === "success"
        ? this.thresholds.successThreshold
        : this.thresholds.failureThreshold;
    if (this.run < needed) return false;
    const changed = this.current !== result.outcome;
    this.current = result.outcome;
    this.message = result.message;
    return changed;
  }
}

// Delays between attempts to reach the hub: exponential with full jitter, so that a fleet whose
// hub restarts spreads its reconnects out instead of arriving all at once (DESIGN.md §3).

export interface ReconnectPolicy {
  /** The first delay's upper bound. */
  initialDelayMs: number;
  /** No delay is longer than this. */
  maxDelayMs: number;
  /** A connection that lasted longer than this starts the next series over. */
  resetAfterMs: number;
}

export const DEFAULT_RECONNECT_POLICY: ReconnectPolicy = {
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  resetAfterMs: 10_000,
};

export class ReconnectBackoff {
  private attempt = 0;

  constructor(
    private readonly policy: ReconnectPolicy = DEFAULT_RECONNECT_POLICY,
    /** In [0, 1), as Math.random; tests pass their own. */
    private readonly random: () => number = Math.random,
  ) {}

  /** The delay before the next attempt: uniform in [0, min(max, initial × 2^attempt)). */
  nextDelayMs(): number {
    const { initialDelayMs, maxDelayMs } = this.policy;
    const ceiling = Math.min(maxDelayMs, initialDelayMs * 2 ** this.attempt);
    // Once at the cap, counting further would only grow the exponent.
    if (ceiling < maxDelayMs) this.attempt++;
    return Math.floor(this.random() * ceiling);
  }

  /** A connection ended after `lastedMs` (0 when it never opened). */
  connectionEnded(lastedMs: number): void {
    if (lastedMs > this.policy.resetAfterMs) this.attempt = 0;
  }
}

// Delays between attempts to reach the hub: exponential with full jitter, so that a fleet whose
// hub restarts spreads its reconnects out instead of arriving all at once (DESIGN.md §3).
//
// A refused connection (nothing listens: the hub is restarting) costs the hub nothing, so its
// delays stop growing at a few seconds: the fleet finds a restarted hub within seconds, spread
// evenly over them, instead of drifting to the long delays meant for a hub that is there but
// failing or overloaded (timeouts, errors, sessions that end early), which still grow to 30 s.

export interface ReconnectPolicy {
  /** The first delay's upper bound. */
  initialDelayMs: number;
  /** No delay is longer than this. */
  maxDelayMs: number;
  /** No delay after a refused connection is longer than this. */
  refusedMaxDelayMs: number;
  /** A connection that lasted longer than this starts the next series over. */
  resetAfterMs: number;
}

export const DEFAULT_RECONNECT_POLICY: ReconnectPolicy = {
  initialDelayMs: 1000,
  maxDelayMs: 30_000,
  refusedMaxDelayMs: 5000,
  resetAfterMs: 10_000,
};

/** How the last attempt ended. */
export interface AttemptEnd {
  /** How long the connection lasted (0 when it never opened). */
  lastedMs: number;
  /** Nothing listened at the hub's address (ECONNREFUSED). */
  refused?: boolean;
}

export class ReconnectBackoff {
  private attempt = 0;
  private refused = false;

  constructor(
    private readonly policy: ReconnectPolicy = DEFAULT_RECONNECT_POLICY,
    /** In [0, 1), as Math.random; tests pass their own. */
    private readonly random: () => number = Math.random,
  ) {}

  /** The delay before the next attempt: uniform in [0, min(cap, initial × 2^attempt)). */
  nextDelayMs(): number {
    const { initialDelayMs, maxDelayMs, refusedMaxDelayMs } = this.policy;
    const cap = this.refused ? Math.min(refusedMaxDelayMs, maxDelayMs) : maxDelayMs;
    const ceiling = Math.min(cap, initialDelayMs * 2 ** this.attempt);
    // Once at the cap, counting further would only grow the exponent.
    if (ceiling < cap) this.attempt++;
    return Math.floor(this.random() * ceiling);
  }

  connectionEnded({ lastedMs, refused = false }: AttemptEnd): void {
    if (lastedMs > this.policy.resetAfterMs) this.attempt = 0;
    this.refused = refused;
  }
}

/** Whether a connection attempt failed because nothing listens there. */
export function isRefused(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === "ECONNREFUSED";
}

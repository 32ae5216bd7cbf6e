// One timer for all the node's probe loops. A loop asks to run at a time; the clock puts it on
// the next whole second (a slot) and runs every loop due in a slot on the same wake of the
// agent, rather than each on a timer of its own: with many probes, their engine calls and
// connections then share the event loop's wakes too. Probe periods and initial delays are whole
// seconds, so once on a slot a loop keeps its period exactly; only its first run moves, by less
// than a second (the kubelet's own first run waits up to a period).

const SLOT_MS = 1000;

/** The first slot boundary at or after `atMs`. */
export function slotOf(atMs: number, slotMs = SLOT_MS): number {
  return Math.ceil(atMs / slotMs) * slotMs;
}

export class ProbeClock {
  private readonly slots = new Map<number, Set<(slot: number) => void>>();
  private timer?: NodeJS.Timeout;
  private armedFor?: number;
  private firing = false;

  constructor(private readonly slotMs = SLOT_MS) {}

  /** Milliseconds on the clock the slots are counted on (monotonic). */
  now(): number {
    return performance.now();
  }

  /** Runs `fn` with its slot's time in the slot of `atMs`; the returned function cancels it. */
  at(atMs: number, fn: (slot: number) => void): () => void {
    const slot = slotOf(atMs, this.slotMs);
    const due = this.slots.get(slot) ?? new Set();
    due.add(fn);
    this.slots.set(slot, due);
    if (!this.firing && (this.armedFor === undefined || slot < this.armedFor)) this.arm(slot);
    return () => {
      due.delete(fn);
      if (due.size === 0 && this.slots.get(slot) === due) this.slots.delete(slot);
    };
  }

  private arm(slot: number): void {
    clearTimeout(this.timer);
    this.armedFor = slot;
    this.timer = setTimeout(() => this.fire(slot), Math.max(0, slot - this.now()));
    // Probes alone must not keep the process alive; the agent's own lifetime decides.
    this.timer.unref();
  }

  /** Runs the slot the timer was set for, and any earlier or now due (a late wake). */
  private fire(armed: number): void {
    this.armedFor = undefined;
    this.firing = true;
    try {
      const upTo = Math.max(armed, this.now());
      for (const slot of [...this.slots.keys()].sort((a, b) => a - b)) {
        if (slot > upTo) break;
        const due = this.slots.get(slot);
        this.slots.delete(slot);
        for (const fn of due ?? []) fn(slot);
      }
    } finally {
      this.firing = false;
    }
    // Loops that ran have asked for their next slots meanwhile; the earliest of all is next.
    const next = Math.min(...this.slots.keys());
    if (Number.isFinite(next)) this.arm(next);
  }
}

// Which pod usage figures the hub needs: those that moved noticeably since it was last sent them
// (small jitter is not news), the pods gone since, and everything after a (re)connect or on a
// slow timer. Pure; the node monitor decides when to send.
import type { PodUsage } from "../../proto/hub-agent-frames.js";

/** A change below both of these is jitter: 5 millicores or 5 %, 1 MiB or 5 %. */
const CPU_NANO_CORES_STEP = 5_000_000;
const MEMORY_BYTES_STEP = 2 ** 20;
const RELATIVE_STEP = 0.05;

export interface PodUsageDelta {
  pods: PodUsage[];
  goneUids: string[];
}

export class UsageReporter {
  private readonly sent = new Map<string, PodUsage>();

  /** The pods to send given the current figures; `all` for a full report. */
  changes(current: readonly PodUsage[], all: boolean): PodUsageDelta {
    const now = new Map(current.map((p) => [p.uid, p]));
    const goneUids = [...this.sent.keys()].filter((uid) => !now.has(uid));
    for (const uid of goneUids) this.sent.delete(uid);
    const pods = current.filter((p) => {
      const before = this.sent.get(p.uid);
      return all || before === undefined || moved(before, p);
    });
    for (const p of pods) this.sent.set(p.uid, p);
    return { pods, goneUids };
  }

  /** The hub lost what it was sent (a new session): the next report must be full. */
  reset(): void {
    this.sent.clear();
  }
}

function moved(before: PodUsage, now: PodUsage): boolean {
  if (before.containers.length !== now.containers.length) return true;
  return now.containers.some((c) => {
    const b = before.containers.find((x) => x.name === c.name);
    return (
      b === undefined ||
      beyond(b.cpuNanoCores, c.cpuNanoCores, CPU_NANO_CORES_STEP) ||
      beyond(b.memoryWorkingSetBytes, c.memoryWorkingSetBytes, MEMORY_BYTES_STEP)
    );
  });
}

function beyond(a: number, b: number, absoluteStep: number): boolean {
  const diff = Math.abs(a - b);
  return diff >= absoluteStep && diff >= RELATIVE_STEP * Math.max(a, b);
}

// The Events section at the bottom of every `describe`, as kubectl's DescribeEvents prints it.
import type { Event } from "kubernetes-types/core/v1.js";
import type { DescribeWriter } from "./describe-writer.js";
import { age } from "./duration.js";

function when(event: Event, now: Date): string {
  const first = age(event.firstTimestamp ?? event.metadata.creationTimestamp, now);
  // A repeated event shows its latest occurrence, the count and how long it has been going on.
  return (event.count ?? 1) > 1
    ? `${age(event.lastTimestamp, now)} (x${event.count} over ${first})`
    : first;
}

/** Events oldest first (by last occurrence); `Events:  <none>` when there are none. */
export function writeEvents(w: DescribeWriter, events: readonly Event[], now: Date): void {
  if (events.length === 0) {
    w.write(0, "Events:\t<none>\n");
    return;
  }
  const key = (e: Event) => e.lastTimestamp ?? e.firstTimestamp ?? "";
  const sorted = [...events].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  w.write(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n");
  w.write(1, "----\t------\t----\t----\t-------\n");
  for (const e of sorted) {
    const from = e.source?.component || e.reportingComponent || "";
    const message = (e.message ?? "").trim();
    w.write(1, `${e.type ?? ""}\t${e.reason ?? ""}\t${when(e, now)}\t${from}\t${message}\n`);
  }
}

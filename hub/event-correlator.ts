// Kubernetes's event correlation (client-go's EventCorrelator, without its spam filter), so that a
// controller creating ten thousand pods writes a handful of events, not ten thousand:
// - similar events (same source, involved object, type and reason; only the message differs)
//   are recorded as they are until 10 distinct messages were seen within 10 minutes; from then on
//   they become one event "(combined from similar events): <latest message>" whose count rises;
// - an event identical to an earlier one bumps that one's count and lastTimestamp.
import type { EventObject } from "./store/index.js";

const MAX_SIMILAR_EVENTS = 10;
const SIMILAR_INTERVAL_MS = 10 * 60 * 1000;
const CACHE_ENTRIES = 4096;
const COMBINED_PREFIX = "(combined from similar events): ";

/** A least-recently-used map of bounded size: the correlator's memory stays flat. */
class LruMap<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly capacity: number) {}

  get(key: string): V | undefined {
    const value = this.map.get(key);
    if (value !== undefined) {
      this.map.delete(key);
      this.map.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value!);
  }
}

interface SimilarRecord {
  messages: Set<string>;
  lastMs: number;
}

interface Observation {
  name: string;
  count: number;
  firstTimestamp: string;
}

export class EventCorrelator {
  private readonly similar = new LruMap<SimilarRecord>(CACHE_ENTRIES);
  private readonly observed = new LruMap<Observation>(CACHE_ENTRIES);

  /**
   * Returns the event to write for `event` (a fresh one, count 1, its timestamps `now`): the
   * event itself, the combined event, or an earlier one of the same name with its count bumped.
   */
  correlate(event: EventObject, now: Date): EventObject {
    const similarKey = keyOf(event);
    let record = this.similar.get(similarKey);
    if (record === undefined || now.getTime() - record.lastMs > SIMILAR_INTERVAL_MS) {
      record = { messages: new Set(), lastMs: 0 };
    }
    const message = event.message ?? "";
    record.messages.add(message);
    record.lastMs = now.getTime();
    this.similar.set(similarKey, record);
    let candidate = event;
    let key = `${similarKey}\u0000${message}`;
    if (record.messages.size >= MAX_SIMILAR_EVENTS) {
      // Kept just under the threshold, so each new message is combined and the set stays small.
      record.messages.delete(record.messages.values().next().value!);
      candidate = { ...event, message: COMBINED_PREFIX + message };
      key = similarKey;
    }
    const last = this.observed.get(key);
    const result: EventObject = last
      ? {
          ...candidate,
          metadata: { ...candidate.metadata, name: last.name },
          count: last.count + 1,
          firstTimestamp: last.firstTimestamp,
        }
      : candidate;
    this.observed.set(key, {
      name: result.metadata.name ?? "",
      count: result.count ?? 1,
      firstTimestamp: result.firstTimestamp ?? "",
    });
    return result;
  }
}

/** What makes events similar: everything but the message (EventAggregatorByReasonFunc). */
function keyOf(e: EventObject): string {
  const o = e.involvedObject;
  return [
    e.source?.component,
    e.source?.host,
    o.kind,
    o.namespace,
    o.name,
    o.uid,
    o.apiVersion,
    o.fieldPath,
    e.type,
    e.reason,
  ].join("\u0000");
}

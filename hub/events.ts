import { randomUUID } from "node:crypto";
import type { ObjectReference } from "kubernetes-types/core/v1.js";
import { EventCorrelator } from "./event-correlator.js";
import type { EventObject, Store } from "./store/index.js";

export type EventType = "Normal" | "Warning";

/**
 * Records an event the way Kubernetes shows them in `describe`: on the involved object, with a
 * reason an operator can search for and a message that says what happened.
 */
export function recordEvent(
  store: Store,
  involved: ObjectReference,
  type: EventType,
  reason: string,
  message: string,
  component: string,
): void {
  store.create(newEvent(involved, type, reason, message, component, new Date()));
}

/**
 * A component's event recorder, for one that records many similar events (a controller creating
 * a pod per node): events are correlated as Kubernetes's recorder does (see EventCorrelator), and
 * within `batch` each resulting event is written once, at the end, however often it was bumped.
 */
export class EventRecorder {
  private readonly correlator = new EventCorrelator();
  /** Events of the open batch by name, in their latest state. */
  private staged?: Map<string, EventObject>;

  constructor(
    private readonly store: Store,
    private readonly component: string,
  ) {}

  record(involved: ObjectReference, type: EventType, reason: string, message: string): void {
    const now = new Date();
    const event = this.correlator.correlate(
      newEvent(involved, type, reason, message, this.component, now),
      now,
    );
    if (this.staged) this.staged.set(event.metadata.name ?? "", event);
    else this.write(event);
  }

  /**
   * Runs `fn`, then writes the events it recorded; run it inside a store transaction to have
   * them commit with what `fn` wrote. Nothing is written if `fn` throws.
   */
  batch<R>(fn: () => R): R {
    if (this.staged) return fn();
    this.staged = new Map();
    try {
      const result = fn();
      for (const event of this.staged.values()) this.write(event);
      return result;
    } finally {
      this.staged = undefined;
    }
  }

  /** Creates the event, or updates it if an earlier occurrence is still stored. */
  private write(event: EventObject): void {
    const namespace = event.metadata.namespace ?? "default";
    const stored = this.store.get<EventObject>("Event", namespace, event.metadata.name ?? "");
    if (stored) this.store.update({ ...event, metadata: stored.metadata });
    else this.store.create(event);
  }
}

function newEvent(
  involved: ObjectReference,
  type: EventType,
  reason: string,
  message: string,
  component: string,
  at: Date,
): EventObject {
  const now = at.toISOString().replace(/\.\d{3}Z$/, "Z");
  return {
    apiVersion: "v1",
    kind: "Event",
    metadata: {
      // 60 random bits (a v4 uuid's first 16 digits); randomUUID draws from a cached pool.
      name: `${involved.name}.${randomUUID().replaceAll("-", "").slice(0, 16)}`,
      namespace: involved.namespace || "default",
    },
    involvedObject: involved,
    reason,
    message,
    type,
    count: 1,
    firstTimestamp: now,
    lastTimestamp: now,
    source: { component },
  };
}

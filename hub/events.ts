import { randomBytes } from "node:crypto";
import type { ObjectReference } from "kubernetes-types/core/v1.js";
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
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
  const event: EventObject = {
    apiVersion: "v1",
    kind: "Event",
    metadata: {
      name: `${involved.name}.${randomBytes(8).toString("hex")}`,
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
  store.create(event);
}

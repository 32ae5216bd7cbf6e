// Responses on the wire, both ways: the server writes the messages from the API's types, the
// client reads them back. A response that does not decode is a hub bug, so it throws TypeError.
import { flag, isFields, message, messages, text } from "../../agent/local-api/message-fields.js";
import type { EventObject } from "../store/index.js";
import type {
  ApplyResponseMessage,
  EventListMessage,
  ExplainResponseMessage,
  NodeUpdateMessage,
  ObjectListMessage,
  WatchEventMessage,
} from "./messages.js";
import {
  isObjectOfKind,
  kindFromText,
  objectFromMessage,
  objectToMessage,
} from "./object-codec.js";
import type {
  ApplyOutcome,
  ApplyResult,
  NodeDecision,
  NodeUpdate,
  ObjectList,
  WatchEvent,
  WatchEventType,
} from "./types.js";

function fields(encoded: unknown, what: string) {
  if (!isFields(encoded)) throw new TypeError(`expected a ${what} message`);
  return encoded;
}

function strings(encoded: Record<string, unknown>, key: string): string[] {
  const value = encoded[key] ?? [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
    throw new TypeError(`field ${key}: expected a list of strings`);
  }
  return value;
}

function oneOf<T extends string>(value: string, allowed: readonly T[], what: string): T {
  const found = allowed.find((item) => item === value);
  if (found === undefined) throw new TypeError(`unexpected ${what} ${JSON.stringify(value)}`);
  return found;
}

export function applyResultsToMessage(results: readonly ApplyResult[]): ApplyResponseMessage {
  return { results: results.map((result) => ({ ...result })) };
}

export function applyResultsFromMessage(encoded: unknown): ApplyResult[] {
  return messages(fields(encoded, "ApplyResponse"), "results").map((result) => ({
    kind: kindFromText(text(result, "kind")),
    namespace: text(result, "namespace"),
    name: text(result, "name"),
    outcome: oneOf<ApplyOutcome>(
      text(result, "outcome"),
      ["created", "configured", "unchanged"],
      "apply outcome",
    ),
    warnings: strings(result, "warnings"),
  }));
}

export function objectListToMessage(list: ObjectList): ObjectListMessage {
  return { items: list.items.map(objectToMessage), resource_version: list.resourceVersion };
}

export function objectListFromMessage(encoded: unknown): ObjectList {
  const list = fields(encoded, "ObjectList");
  return {
    items: messages(list, "items").map(objectFromMessage),
    resourceVersion: text(list, "resource_version"),
  };
}

export function watchEventToMessage(event: WatchEvent): WatchEventMessage {
  return { type: event.type, object: objectToMessage(event.object) };
}

export function watchEventFromMessage(encoded: unknown): WatchEvent {
  const event = fields(encoded, "WatchEvent");
  return {
    type: oneOf<WatchEventType>(
      text(event, "type"),
      ["ADDED", "MODIFIED", "DELETED"],
      "watch event type",
    ),
    object: objectFromMessage(message(event, "object")),
  };
}

export function nodeUpdateToMessage(update: NodeUpdate): NodeUpdateMessage {
  return { node: objectToMessage(update.node), changed: update.changed, warnings: update.warnings };
}

export function nodeUpdateFromMessage(encoded: unknown): NodeUpdate {
  const update = fields(encoded, "NodeUpdate");
  const node = objectFromMessage(message(update, "node"));
  if (!isObjectOfKind(node, "Node")) throw new TypeError(`expected a Node, got a ${node.kind}`);
  return { node, changed: flag(update, "changed"), warnings: strings(update, "warnings") };
}

export function eventListToMessage(events: readonly EventObject[]): EventListMessage {
  return { items: events.map(objectToMessage) };
}

export function eventListFromMessage(encoded: unknown): EventObject[] {
  return messages(fields(encoded, "EventList"), "items").map((item) => {
    const event = objectFromMessage(item);
    if (!isObjectOfKind(event, "Event"))
      throw new TypeError(`expected an Event, got a ${event.kind}`);
    return event;
  });
}

export function decisionsToMessage(decisions: readonly NodeDecision[]): ExplainResponseMessage {
  return {
    decisions: decisions.map((d) => ({
      node: d.node,
      should_run: d.shouldRun,
      should_continue_running: d.shouldContinueRunning,
      reasons: d.reasons,
      node_rejection: d.nodeRejection ?? "",
    })),
  };
}

export function decisionsFromMessage(encoded: unknown): NodeDecision[] {
  return messages(fields(encoded, "ExplainResponse"), "decisions").map((d) => {
    const nodeRejection = text(d, "node_rejection");
    return {
      node: text(d, "node"),
      shouldRun: flag(d, "should_run"),
      shouldContinueRunning: flag(d, "should_continue_running"),
      reasons: strings(d, "reasons"),
      ...(nodeRejection === "" ? {} : { nodeRejection }),
    };
  });
}

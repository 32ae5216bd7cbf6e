// The Watch stream: the current objects as ADDED, then every change, with nothing missed in
// between (the store replays from the list's version). With a label selector, an object whose
// labels change into or out of the selection arrives as ADDED or DELETED, as Kubernetes's
// watch cache reports it, so a client's view never holds an object the selector excludes.
import { status, type ServerWritableStream } from "@grpc/grpc-js";
import type { LabelSelector } from "kubernetes-types/meta/v1.js";
import {
  effectiveNamespace,
  labelSelectorMatches,
  type KubeObject,
  type Store,
  type WatchEvent as StoreWatchEvent,
} from "../store/index.js";
import { parseLabelSelector } from "./label-selector-syntax.js";
import { listObjects } from "./list.js";
import type { WatchEventMessage } from "./messages.js";
import { listQueryFromMessage, requestFields } from "./request-codec.js";
import { watchEventToMessage } from "./response-codec.js";
import { errorStatus } from "./status.js";
import type { ListQuery, WatchEventType } from "./types.js";

/**
 * Changes a client may leave unread (beyond the initial list) before it is dropped: a watcher
 * that cannot keep up would otherwise grow the hub's memory without bound. It lists and watches
 * again.
 */
const MAX_UNREAD_CHANGES = 10_000;

export type WatchCall = ServerWritableStream<unknown, WatchEventMessage>;

/** Whether an object is in the query's selection, label selector aside. */
function inScope(query: ListQuery, object: KubeObject): boolean {
  if (!query.allNamespaces) {
    const namespace = effectiveNamespace(query.kind, query.namespace);
    if ((object.metadata.namespace ?? "") !== namespace) return false;
  }
  if (query.nodeName !== undefined) {
    const spec = object["spec"];
    const nodeName =
      typeof spec === "object" && spec !== null && "nodeName" in spec ? spec.nodeName : undefined;
    if (nodeName !== query.nodeName) return false;
  }
  return true;
}

function keyOf(object: KubeObject): string {
  return `${object.metadata.namespace ?? ""}/${object.metadata.name ?? ""}`;
}

/**
 * Serves one Watch call until the client cancels or `stop` (returned) is called, which ends the
 * stream with UNAVAILABLE so the client knows to watch again.
 */
export function serveWatch(
  store: Store,
  call: WatchCall,
  unexpected: (error: unknown) => void,
): () => void {
  let unsubscribe = () => {};
  let ended = false;
  const end = () => {
    ended = true;
    unsubscribe();
  };
  const fail = (code: status, details: string) => {
    if (ended) return;
    end();
    call.emit("error", { code, details });
  };
  let query: ListQuery;
  let selector: LabelSelector;
  try {
    query = listQueryFromMessage(requestFields(call.request));
    selector = parseLabelSelector(query.labelSelector ?? "");
  } catch (error) {
    const { code, details } = errorStatus(error, unexpected);
    fail(code, details);
    return () => {};
  }
  // Resumed without a list, what the client holds is unknown: the change's own type stands.
  const resumed = query.resourceVersion !== undefined;
  // Keys of the objects the client holds, so selection changes become ADDED and DELETED.
  const selected = new Set<string>();
  let maxUnread = MAX_UNREAD_CHANGES;
  const send = (type: WatchEventType, object: KubeObject) => {
    if (call.writableLength >= maxUnread) {
      fail(status.RESOURCE_EXHAUSTED, "the watch fell too far behind; list and watch again");
      return;
    }
    call.write(watchEventToMessage({ type, object }));
  };
  const onChange = ({ type, object }: StoreWatchEvent<KubeObject>) => {
    if (!inScope(query, object)) return;
    const key = keyOf(object);
    const matches = labelSelectorMatches(selector, object.metadata.labels);
    const was = resumed ? matches && type !== "ADDED" : selected.has(key);
    const is = type !== "DELETED" && matches;
    if (is) selected.add(key);
    else selected.delete(key);
    if (is) send(was ? "MODIFIED" : "ADDED", object);
    else if (was) send("DELETED", object);
  };
  try {
    let since = query.resourceVersion;
    if (since === undefined) {
      const list = listObjects(store, query);
      maxUnread += list.items.length;
      for (const object of list.items) onChange({ type: "ADDED", object, resourceVersion: "" });
      since = list.resourceVersion;
    }
    unsubscribe = store.watch(query.kind, onChange, { sinceResourceVersion: since });
  } catch (error) {
    const { code, details } = errorStatus(error, unexpected);
    fail(code, details);
    return () => {};
  }
  call.on("cancelled", end);
  return () => fail(status.UNAVAILABLE, "the hub is shutting down; watch again");
}

// The unary methods of the Hub service: each decodes its request, does its work against the
// store and encodes the answer. Errors are thrown as the typed errors status.ts maps to codes.
import type { Logger } from "winston";
import { flag, text, type Fields } from "../../agent/local-api/message-fields.js";
import type { HubApiMethodName } from "../../proto/load.js";
import type { PodDeleter } from "../controller/daemonset-controller.js";
import {
  NotFoundError,
  effectiveNamespace,
  type EventObject,
  type KubeObject,
  type NodeObject,
  type PodObject,
  type Store,
} from "../store/index.js";
import { applyManifest } from "./apply.js";
import {
  daemonSetToExplain,
  explainPlacement,
  nodesFromManifest,
  withNodeRejections,
} from "./explain.js";
import type { UsageStore } from "../usage/usage-store.js";
import type { KubeObject as MetricsObject } from "../store/index.js";
import { listObjects } from "./list.js";
import { labelNode, setUnschedulable, taintNode } from "./node-edits.js";
import { objectToMessage, refFromMessage } from "./object-codec.js";
import { RequestError } from "./request-error.js";
import { rollout } from "./rollout.js";
import { rolloutRequestFromMessage, rolloutResultToMessage } from "./rollout-codec.js";
import {
  labelRequestFromMessage,
  listQueryFromMessage,
  manifestText,
  taintRequestFromMessage,
} from "./request-codec.js";
import {
  applyResultsToMessage,
  decisionsToMessage,
  eventListToMessage,
  nodeUpdateToMessage,
  objectListToMessage,
} from "./response-codec.js";
import type { ObjectRef } from "./types.js";
import { writeWithRetry } from "./write-with-retry.js";

export interface HandlerContext {
  store: Store;
  deletePod: PodDeleter;
  logger: Logger;
  now: () => Date;
  usage: UsageStore;
}

function listMetrics({ usage }: HandlerContext, request: Fields): MetricsObject[] {
  const kind = text(request, "kind");
  if (kind === "NodeMetrics") return usage.nodeMetrics();
  if (kind !== "PodMetrics") {
    throw new RequestError(
      "Invalid",
      `unknown metrics kind ${JSON.stringify(kind)}: expected NodeMetrics or PodMetrics`,
    );
  }
  const namespace = text(request, "namespace") || "default";
  const all = flag(request, "all_namespaces");
  return usage.podMetrics().filter((m) => all || m.metadata.namespace === namespace);
}

type UnaryHandler = (context: HandlerContext, request: Fields) => object;

function required<T extends KubeObject>(store: Store, ref: ObjectRef): T {
  const object = store.get<T>(ref.kind, ref.namespace ?? "", ref.name);
  if (object === undefined) {
    throw new NotFoundError(ref.kind, effectiveNamespace(ref.kind, ref.namespace), ref.name);
  }
  return object;
}

function deleteObject({ store, deletePod, logger }: HandlerContext, ref: ObjectRef): KubeObject {
  const namespace = effectiveNamespace(ref.kind, ref.namespace);
  switch (ref.kind) {
    case "DaemonSet":
    case "Node": {
      // The controllers see the deletion and remove the DaemonSet's pods, or the node's.
      const last = store.delete(ref.kind, namespace, ref.name);
      if (last === undefined) throw new NotFoundError(ref.kind, namespace, ref.name);
      logger.info("deleted by API", { kind: ref.kind, namespace, name: ref.name });
      return last;
    }
    case "Pod": {
      const pod = required<PodObject>(store, ref);
      // Graceful: the node's agent stops the containers, then the pod goes.
      deletePod(pod, "deleted by API");
      logger.info("pod deletion requested by API", { namespace, name: ref.name });
      return store.get(ref.kind, namespace, ref.name) ?? pod;
    }
    default:
      throw new RequestError("Invalid", `${ref.kind} objects cannot be deleted through the API`);
  }
}

function eventsAbout(store: Store, ref: ObjectRef): EventObject[] {
  const namespace = effectiveNamespace(ref.kind, ref.namespace);
  const when = (e: EventObject) =>
    e.lastTimestamp ?? e.firstTimestamp ?? e.metadata.creationTimestamp ?? "";
  return store
    .list<EventObject>("Event")
    .items.filter(
      ({ involvedObject: o }) =>
        o.kind === ref.kind &&
        o.name === ref.name &&
        // Events about cluster-scoped objects are recorded in "default", as Kubernetes does.
        (namespace === "" || (o.namespace || "default") === namespace),
    )
    .sort((a, b) => (when(a) < when(b) ? -1 : when(a) > when(b) ? 1 : 0));
}

/** Runs a node edit with compare-and-swap retries and reports whether it changed anything. */
function editNode(
  { store, logger }: HandlerContext,
  name: string,
  edit: (stored: NodeObject | undefined) => { node: NodeObject; warnings: string[] },
): object {
  let warnings: string[] = [];
  const { object, outcome } = writeWithRetry<NodeObject>(
    store,
    { kind: "Node", namespace: "", name },
    (stored) => {
      const result = edit(stored);
      warnings = result.warnings;
      return result.node;
    },
  );
  if (outcome !== "unchanged") logger.info("node changed by API", { node: name });
  return nodeUpdateToMessage({ node: object, changed: outcome !== "unchanged", warnings });
}

export const UNARY_HANDLERS: Record<Exclude<HubApiMethodName, "Watch">, UnaryHandler> = {
  Apply: ({ store, logger, now }, request) => {
    const results = applyManifest(store, manifestText(request, "manifest"), now());
    const manager = text(request, "field_manager") || "daemonlet";
    for (const { kind, namespace, name, outcome } of results) {
      if (outcome !== "unchanged")
        logger.info(`${outcome} by apply`, { kind, namespace, name, manager });
    }
    return applyResultsToMessage(results);
  },
  Get: ({ store }, request) => objectToMessage(required(store, refFromMessage(request))),
  List: ({ store }, request) =>
    objectListToMessage(listObjects(store, listQueryFromMessage(request))),
  Delete: (context, request) => objectToMessage(deleteObject(context, refFromMessage(request))),
  LabelNode: (context, request) => {
    const labelRequest = labelRequestFromMessage(request);
    return editNode(context, labelRequest.name, (stored) => labelNode(stored, labelRequest));
  },
  TaintNode: (context, request) => {
    const taintRequest = taintRequestFromMessage(request);
    return editNode(context, taintRequest.name, (stored) => ({
      node: taintNode(stored, taintRequest, context.now()),
      warnings: [],
    }));
  },
  SetUnschedulable: (context, request) => {
    const name = text(request, "name");
    if (name === "") throw new RequestError("Invalid", "a node name is required");
    const unschedulable = flag(request, "unschedulable");
    return editNode(context, name, (stored) => ({
      node: setUnschedulable(stored, name, unschedulable),
      warnings: [],
    }));
  },
  ListEvents: ({ store }, request) =>
    eventListToMessage(eventsAbout(store, refFromMessage(request))),
  Explain: ({ store }, request) => {
    const daemonSet = daemonSetToExplain(manifestText(request, "daemonset_manifest"));
    const nodesManifest = manifestText(request, "nodes_manifest");
    if (nodesManifest.trim() !== "") {
      return decisionsToMessage(explainPlacement(daemonSet, nodesFromManifest(nodesManifest)));
    }
    const decisions = explainPlacement(daemonSet, store.list<NodeObject>("Node").items);
    const name = daemonSet.metadata.name ?? "";
    const pods = store
      .list<PodObject>("Pod", { namespace: daemonSet.metadata.namespace ?? "default" })
      .items.filter((p) =>
        p.metadata.ownerReferences?.some((o) => o.kind === "DaemonSet" && o.name === name),
      );
    return decisionsToMessage(withNodeRejections(decisions, pods));
  },
  Rollout: ({ store, logger, now }, request) => {
    const rolloutRequest = rolloutRequestFromMessage(request);
    const result = rollout(store, rolloutRequest, now());
    if (result.changed) {
      logger.info(`rollout ${rolloutRequest.action}`, {
        daemonset: `${result.daemonSet.metadata.namespace}/${rolloutRequest.name}`,
        outcome: result.outcome,
      });
    }
    return rolloutResultToMessage(result);
  },
  ListMetrics: (context, request) => ({
    items: listMetrics(context, request).map(objectToMessage),
    resource_version: "",
  }),
};

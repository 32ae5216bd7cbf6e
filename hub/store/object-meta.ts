// The objects the store keeps: Kubernetes-shaped, each identified by kind, namespace and name.
// The per-kind table below is the only place that knows which kinds exist, how Kubernetes names
// their resource in messages and which of them live outside namespaces.
import type { ControllerRevision, DaemonSet } from "kubernetes-types/apps/v1.js";
import type { Event, Node, Pod } from "kubernetes-types/core/v1.js";
import type { ObjectMeta } from "kubernetes-types/meta/v1.js";

export type Kind = "DaemonSet" | "Node" | "Pod" | "ControllerRevision" | "Event";

/**
 * What every stored object has. The index signature lets the store read `spec` and `status`
 * of any kind; the kubernetes-types interfaces lack one, hence the intersections below.
 */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

export type DaemonSetObject = DaemonSet & KubeObject;
export type NodeObject = Node & KubeObject;
export type PodObject = Pod & KubeObject;
export type ControllerRevisionObject = ControllerRevision & KubeObject;
export type EventObject = Event & KubeObject;

/** The typed shape of each kind, for code that is generic over kinds. */
export interface ObjectOfKind {
  DaemonSet: DaemonSetObject;
  Node: NodeObject;
  Pod: PodObject;
  ControllerRevision: ControllerRevisionObject;
  Event: EventObject;
}

interface KindInfo {
  apiVersion: string;
  /** The lower-case plural Kubernetes puts in messages: `daemonsets "x" not found`. */
  resource: string;
  namespaced: boolean;
}

const KINDS: Readonly<Record<Kind, KindInfo>> = {
  DaemonSet: { apiVersion: "apps/v1", resource: "daemonsets", namespaced: true },
  ControllerRevision: { apiVersion: "apps/v1", resource: "controllerrevisions", namespaced: true },
  Node: { apiVersion: "v1", resource: "nodes", namespaced: false },
  Pod: { apiVersion: "v1", resource: "pods", namespaced: true },
  Event: { apiVersion: "v1", resource: "events", namespaced: true },
};

export const DEFAULT_NAMESPACE = "default";

export function isKind(value: string): value is Kind {
  return Object.hasOwn(KINDS, value);
}

export function kindInfo(kind: Kind): KindInfo {
  return KINDS[kind];
}

/**
 * Cluster-scoped kinds live in namespace "" whatever the caller passes, so `get("Node", "x", n)`
 * and `get("Node", "", n)` find the same node; namespaced kinds default to "default" as kubectl
 * does.
 */
export function effectiveNamespace(kind: Kind, namespace: string | undefined): string {
  if (!KINDS[kind].namespaced) return "";
  return namespace || DEFAULT_NAMESPACE;
}

/** RFC 3339 in whole seconds, the precision of Kubernetes's `metav1.Time`. */
export function rfc3339Seconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

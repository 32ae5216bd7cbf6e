// What the hub's API speaks in, on both ends: the client hands these to its callers and the
// server's handlers compute them; codec.ts turns them into hub_api.proto's messages and back.
import type { Kind, KubeObject, NodeObject } from "../store/index.js";

/** The gRPC port the hub's API listens on unless told otherwise. */
export const DEFAULT_HUB_API_PORT = 7461;

export interface ObjectRef {
  kind: Kind;
  /** Ignored for Nodes; "default" when absent for namespaced kinds. */
  namespace?: string;
  name: string;
}

export interface ListQuery {
  kind: Kind;
  /** "default" when absent, unless allNamespaces. */
  namespace?: string;
  allNamespaces?: boolean;
  /** kubectl's syntax, e.g. `app=web,tier in (a,b),!canary`. */
  labelSelector?: string;
  /** Pods bound to this node. */
  nodeName?: string;
  /** Watch only: the changes after this version, instead of the current objects first. */
  resourceVersion?: string;
}

export interface ObjectList {
  items: KubeObject[];
  resourceVersion: string;
}

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED";

export interface WatchEvent {
  type: WatchEventType;
  object: KubeObject;
}

export type ApplyOutcome = "created" | "configured" | "unchanged";

export interface ApplyResult {
  kind: Kind;
  /** "" for Nodes. */
  namespace: string;
  name: string;
  outcome: ApplyOutcome;
  /** Fields accepted without effect, e.g. `spec.template.spec.serviceAccountName is ignored`. */
  warnings: string[];
}

export interface NodeUpdate {
  node: NodeObject;
  /** False when the node already was as asked. */
  changed: boolean;
  warnings: string[];
}

export const TAINT_EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"] as const;
export type TaintEffect = (typeof TAINT_EFFECTS)[number];

export function isTaintEffect(value: string): value is TaintEffect {
  return TAINT_EFFECTS.some((effect) => effect === value);
}

export interface TaintToAdd {
  key: string;
  /** "" for a taint without a value. */
  value: string;
  effect: TaintEffect;
}

export interface TaintToRemove {
  key: string;
  /** Absent: every effect of the key. */
  effect?: TaintEffect;
}

export interface LabelNodeRequest {
  name: string;
  set: Record<string, string>;
  remove: string[];
  overwrite: boolean;
}

export interface TaintNodeRequest {
  name: string;
  add: TaintToAdd[];
  remove: TaintToRemove[];
  overwrite: boolean;
}

export interface NodeDecision {
  node: string;
  shouldRun: boolean;
  shouldContinueRunning: boolean;
  /** `Code: message` for every failing rule. */
  reasons: string[];
  /** Online only: why the node turned the DaemonSet's pod away (`OutOfcpu: …`). */
  nodeRejection?: string;
}

export type MetricsKind = "NodeMetrics" | "PodMetrics";

export interface MetricsQuery {
  kind: MetricsKind;
  /** PodMetrics only: "default" when absent, unless allNamespaces. */
  namespace?: string;
  allNamespaces?: boolean;
}

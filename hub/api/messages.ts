// The messages of proto/hub_api.proto as plain objects, in the form proto/load.ts serialises
// (field names as in the .proto file, see proto/load.ts). Only the written side is typed: what is
// read arrives from another program and stays `unknown` until codec.ts has narrowed it.

export interface ObjectMessage {
  kind: string;
  /** The Kubernetes object, UTF-8 JSON. */
  json: Uint8Array;
}

export interface ObjectRefMessage {
  kind: string;
  namespace: string;
  name: string;
}

export interface ApplyRequestMessage {
  manifest: Uint8Array;
  field_manager: string;
}

export interface ApplyResultMessage {
  kind: string;
  namespace: string;
  name: string;
  outcome: string;
  warnings: string[];
}

export interface ApplyResponseMessage {
  results: ApplyResultMessage[];
}

export interface ListRequestMessage {
  kind: string;
  namespace: string;
  all_namespaces: boolean;
  label_selector: string;
  node_name: string;
  resource_version: string;
}

export interface ObjectListMessage {
  items: ObjectMessage[];
  resource_version: string;
}

export interface WatchEventMessage {
  type: string;
  object: ObjectMessage;
}

export interface LabelNodeRequestMessage {
  name: string;
  set: Record<string, string>;
  remove: string[];
  overwrite: boolean;
}

export interface TaintMessage {
  key: string;
  value: string;
  effect: string;
}

export interface TaintKeyMessage {
  key: string;
  effect: string;
}

export interface TaintNodeRequestMessage {
  name: string;
  add: TaintMessage[];
  remove: TaintKeyMessage[];
  overwrite: boolean;
}

export interface SetUnschedulableRequestMessage {
  name: string;
  unschedulable: boolean;
}

export interface NodeUpdateMessage {
  node: ObjectMessage;
  changed: boolean;
  warnings: string[];
}

export interface EventListMessage {
  items: ObjectMessage[];
}

export interface MetricsRequestMessage {
  kind: string;
  namespace: string;
  all_namespaces: boolean;
}

export interface ExplainRequestMessage {
  daemonset_manifest: Uint8Array;
  nodes_manifest: Uint8Array;
}

export interface NodeDecisionMessage {
  node: string;
  should_run: boolean;
  should_continue_running: boolean;
  reasons: string[];
  node_rejection: string;
}

export interface ExplainResponseMessage {
  decisions: NodeDecisionMessage[];
}

export interface RolloutRequestMessage {
  namespace: string;
  name: string;
  action: string;
  to_revision: number;
}

export interface RolloutResponseMessage {
  daemonset: ObjectMessage;
  changed: boolean;
  outcome: string;
}

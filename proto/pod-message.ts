// The messages of pod.proto as plain objects, in the form proto/load.ts serialises (field
// names as in the .proto file, see load.ts). What we write is typed by these; what we read back
// is `unknown` until the codec has narrowed it, because the wire is another program's output.

export interface ObjectMetaMessage {
  name: string;
  namespace: string;
  uid: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  creation_timestamp: string;
  deletion_timestamp: string;
}

export interface PodMessage {
  metadata: ObjectMetaMessage;
  /** The Kubernetes `v1 PodSpec` as UTF-8 JSON; empty when the pod has no spec. */
  spec_json: Uint8Array;
  /** Absent until the agent has observed the pod. */
  status?: PodStatusMessage;
}

export interface PodStatusMessage {
  phase: string;
  conditions: PodConditionMessage[];
  host_ip: string;
  pod_ip: string;
  start_time: string;
  reason: string;
  message: string;
  container_statuses: ContainerStatusMessage[];
  init_container_statuses: ContainerStatusMessage[];
}

export interface PodConditionMessage {
  type: string;
  status: string;
  reason: string;
  message: string;
  last_transition_time: string;
}

export interface ContainerStatusMessage {
  name: string;
  image: string;
  image_id: string;
  container_id: string;
  ready: boolean;
  started: boolean;
  restart_count: number;
  state?: ContainerStateMessage;
  last_state?: ContainerStateMessage;
}

/** The proto `oneof state`: at most one member is set. */
export type ContainerStateMessage =
  | { waiting: ContainerStateWaitingMessage }
  | { running: ContainerStateRunningMessage }
  | { terminated: ContainerStateTerminatedMessage }
  | Record<string, never>;

export interface ContainerStateWaitingMessage {
  reason: string;
  message: string;
}

export interface ContainerStateRunningMessage {
  started_at: string;
}

export interface ContainerStateTerminatedMessage {
  exit_code: number;
  signal: number;
  reason: string;
  message: string;
  started_at: string;
  finished_at: string;
  container_id: string;
}

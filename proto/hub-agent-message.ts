// The messages of hub_agent.proto as plain objects, in the form proto/load.ts serialises
// (see pod-message.ts for why only the written side is typed). uint64 versions are written as
// numbers and read back as decimal strings (load.ts reads 64-bit integers as strings).
import type { PodMessage } from "./pod-message.js";

/** The proto `oneof body`: exactly one member is set. */
export type AgentFrameMessage =
  | { hello: HelloMessage }
  | { ack: AckMessage }
  | { pod_status: PodStatusReportMessage }
  | { heartbeat: NodeHeartbeatMessage }
  | { usage: NodeUsageReportMessage };

export type HubFrameMessage =
  | { welcome: WelcomeMessage }
  | { snapshot: PodSetSnapshotMessage }
  | { delta: PodSetDeltaMessage }
  | { error: ErrorFrameMessage };

export interface HelloMessage {
  protocol_version: number;
  node_name: string;
  agent_version: string;
  labels: Record<string, string>;
  capacity: Record<string, string>;
  addresses: NodeAddressMessage[];
  node_info: NodeInfoMessage;
  running_pod_uids: string[];
  last_applied_version: number;
  allocatable: Record<string, string>;
  taints: NodeTaintMessage[];
}

export interface NodeTaintMessage {
  key: string;
  value: string;
  effect: string;
}

export interface NodeUsageReportMessage {
  time: string;
  window_seconds: number;
  node: NodeUsageMessage;
  pods: PodUsageMessage[];
  gone_pod_uids: string[];
  full: boolean;
}

export interface NodeUsageMessage {
  cpu_nano_cores: number;
  memory_working_set_bytes: number;
  memory_available_bytes: number;
  fs_used_bytes: number;
  fs_available_bytes: number;
  fs_capacity_bytes: number;
  network_rx_bytes_per_second: number;
  network_tx_bytes_per_second: number;
}

export interface PodUsageMessage {
  uid: string;
  namespace: string;
  name: string;
  containers: { name: string; cpu_nano_cores: number; memory_working_set_bytes: number }[];
}

export interface NodeAddressMessage {
  type: string;
  address: string;
}

export interface NodeInfoMessage {
  os_image: string;
  kernel_version: string;
  architecture: string;
  container_runtime_version: string;
}

export interface WelcomeMessage {
  protocol_version: number;
  hub_version: string;
  heartbeat_interval_seconds: number;
  features: string[];
}

export interface PodSetSnapshotMessage {
  version: number;
  pods: AssignedPodMessage[];
}

export interface PodSetDeltaMessage {
  version: number;
  upserts: AssignedPodMessage[];
  removed_uids: string[];
}

export interface AssignedPodMessage {
  uid: string;
  name: string;
  namespace: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  spec_json: Uint8Array;
}

export interface AckMessage {
  version: number;
}

export interface PodStatusReportMessage {
  pods: PodMessage[];
  gone_uids: string[];
}

export interface NodeHeartbeatMessage {
  time: string;
  conditions: NodeConditionMessage[];
}

export interface NodeConditionMessage {
  type: string;
  status: string;
  reason: string;
  message: string;
  last_transition_time: string;
}

export interface ErrorFrameMessage {
  code: string;
  message: string;
}

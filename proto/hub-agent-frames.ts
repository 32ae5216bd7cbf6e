// The agent protocol's frames (hub_agent.proto) as the hub and the agent use them: Kubernetes
// field names and shapes, camelCase, numbers for versions. hub-agent-codec.ts converts them to
// and from the wire.
import type { NodeAddress, Pod, PodSpec } from "kubernetes-types/core/v1.js";

/** Bumped only for a change an older peer would misread; see the rules in hub_agent.proto. */
export const PROTOCOL_VERSION = 1;

export interface NodeInfo {
  osImage: string;
  kernelVersion: string;
  architecture: string;
  containerRuntimeVersion: string;
}

export interface AgentHello {
  protocolVersion: number;
  nodeName: string;
  agentVersion: string;
  labels: Record<string, string>;
  /** Kubernetes quantities as strings, keyed cpu, memory, pods, … */
  capacity: Record<string, string>;
  addresses: NodeAddress[];
  nodeInfo: NodeInfo;
  runningPodUids: string[];
  /** 0 when the agent has never applied a pod set. */
  lastAppliedVersion: number;
  /** Taints from the agent's config, applied at the node's first registration only. */
  registerTaints?: { key: string; value?: string; effect: string }[];
}

export interface HeartbeatCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface NodeHeartbeat {
  /** RFC 3339, the agent's clock. */
  time: string;
  conditions: HeartbeatCondition[];
}

/** A pod the hub has bound to a node, as the hub sends it. */
export interface AssignedPod {
  uid: string;
  name: string;
  namespace: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** A defaulted `v1 PodSpec`. */
  spec: PodSpec;
}

/**
 * An AssignedPod as the agent receives it: the spec is parsed JSON that nothing has validated
 * yet, so it stays `unknown` until the agent's manifest validation has read it.
 */
export type ReceivedPod = Omit<AssignedPod, "spec"> & { spec: unknown };

export type AgentFrame =
  | { kind: "hello"; hello: AgentHello }
  | { kind: "ack"; version: number }
  | { kind: "podStatus"; pods: Pod[]; goneUids: string[] }
  | { kind: "heartbeat"; heartbeat: NodeHeartbeat };

/** `P` is AssignedPod where the hub writes a frame and ReceivedPod where the agent reads one. */
export type HubFrame<P = AssignedPod> =
  | {
      kind: "welcome";
      protocolVersion: number;
      hubVersion: string;
      heartbeatIntervalSeconds: number;
    }
  | { kind: "snapshot"; version: number; pods: P[] }
  | { kind: "delta"; version: number; upserts: P[]; removedUids: string[] }
  | { kind: "error"; code: string; message: string };

/** The codes of ErrorFrame that this version sends; a peer may send others. */
export type ProtocolErrorCode =
  /** The token was refused (sent as HTTP 401 when the WebSocket is requested). */
  | "Unauthenticated"
  /** The peers speak different protocol versions; the message names both. */
  | "VersionMismatch"
  /** A frame was over the frame size limit. */
  | "FrameTooLarge"
  /** A frame was not a valid frame of this protocol, or came out of order. */
  | "MalformedFrame"
  /** Another connection for the same node name took over the session. */
  | "Replaced"
  /** The hub failed while serving the session; the agent retries. */
  | "Internal";

/**
 * A violation of the agent protocol, or the reason a peer gave for ending a session. `code` is a
 * ProtocolErrorCode when we raise it, any string when a newer peer sent it.
 */
export class ProtocolError extends Error {
  override readonly name = "ProtocolError";

  constructor(
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export function isProtocolError(error: unknown, code?: ProtocolErrorCode): error is ProtocolError {
  return error instanceof ProtocolError && (code === undefined || error.code === code);
}

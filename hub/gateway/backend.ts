// What the agent gateway needs from the rest of the hub: the store and controllers stand behind
// it. The gateway only moves frames; every decision about nodes and pods is the backend's.
import type { Pod } from "kubernetes-types/core/v1.js";
import type {
  AgentHello,
  AssignedPod,
  NodeHeartbeat,
  UsageReport,
} from "../../proto/hub-agent-frames.js";

export interface GatewayBackend {
  /**
   * The node a credential (the upgrade request's `Authorization: Bearer …`, undefined when there
   * is none) belongs to, or undefined to refuse it: HTTP 401 before the WebSocket opens, so no
   * pod data is sent. A session may then only speak for that node (DESIGN.md §5).
   */
  authenticate(token: string | undefined): string | undefined;
  /** A session has started for this node: register it or update it from the Hello. */
  agentConnected(hello: AgentHello): void;
  /** The node's session has ended (and no newer session for the node has taken its place). */
  agentDisconnected(nodeName: string): void;
  /** The node is alive; its conditions as the agent sees them now. */
  heartbeat(nodeName: string, heartbeat: NodeHeartbeat): void;
  /** Resource usage measured on the node (only pods whose figures moved, unless `full`). */
  usage(nodeName: string, report: UsageReport): void;
  /** The node's current pod set. */
  podsForNode(nodeName: string): AssignedPod[];
  /** Calls the listener with a node's name when its pod set may have changed; returns the unsubscribe. */
  onAssignmentsChanged(listener: (nodeName: string) => void): () => void;
  /**
   * Status of the node's hub-assigned pods and of its mirror pods (annotated
   * kubernetes.io/config.source=file); `goneUids` are pods reported earlier that the node no
   * longer has. Only what changed is reported, plus everything on a slow timer. The report may
   * be written later in the event-loop turn, together with others; `failed` hears if that fails.
   */
  podStatuses(
    nodeName: string,
    pods: Pod[],
    goneUids: string[],
    failed?: (error: unknown) => void,
  ): void;
}

// A GatewayBackend for tests: node → pods in a Map, and a record of everything the gateway
// told it. No store, no controllers: what a test assigns is what the node is sent.
import type { Pod } from "kubernetes-types/core/v1.js";
import type {
  AgentHello,
  AssignedPod,
  NodeHeartbeat,
  UsageReport,
} from "../../../proto/hub-agent-frames.js";
import type { GatewayBackend } from "../backend.js";

export interface StatusCall {
  nodeName: string;
  pods: Pod[];
  goneUids: string[];
}

export class MemoryBackend implements GatewayBackend {
  readonly connected = new Map<string, AgentHello>();
  readonly disconnects: string[] = [];
  readonly heartbeats: { nodeName: string; heartbeat: NodeHeartbeat }[] = [];
  readonly usageReports: { nodeName: string; report: UsageReport }[] = [];
  readonly statusCalls: StatusCall[] = [];
  private readonly assignments = new Map<string, AssignedPod[]>();
  private readonly listeners = new Set<(nodeName: string) => void>();

  constructor(private readonly token: string) {}

  /** Sets a node's pods and tells the gateway, as a controller's write would. */
  assign(nodeName: string, pods: AssignedPod[]): void {
    this.assignments.set(nodeName, pods);
    for (const listener of this.listeners) listener(nodeName);
  }

  /** Credentials are `<token>:<node name>`, each good for its node only. */
  authenticate(token: string | undefined): string | undefined {
    const prefix = `${this.token}:`;
    return token?.startsWith(prefix) ? token.slice(prefix.length) || undefined : undefined;
  }

  agentConnected(hello: AgentHello): void {
    this.connected.set(hello.nodeName, hello);
  }

  agentDisconnected(nodeName: string): void {
    this.connected.delete(nodeName);
    this.disconnects.push(nodeName);
  }

  heartbeat(nodeName: string, heartbeat: NodeHeartbeat): void {
    this.heartbeats.push({ nodeName, heartbeat });
  }

  usage(nodeName: string, report: UsageReport): void {
    this.usageReports.push({ nodeName, report });
  }

  podsForNode(nodeName: string): AssignedPod[] {
    return this.assignments.get(nodeName) ?? [];
  }

  onAssignmentsChanged(listener: (nodeName: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  podStatuses(nodeName: string, pods: Pod[], goneUids: string[]): void {
    this.statusCalls.push({ nodeName, pods, goneUids });
  }
}

/** A small valid pod as the hub would assign it: defaulted spec, bound to the node. */
export function assignedPod(
  nodeName: string,
  name: string,
  overrides: Partial<AssignedPod> = {},
): AssignedPod {
  return {
    uid: `uid-${name}`,
    name,
    namespace: "default",
    labels: { app: name },
    annotations: {},
    spec: {
      nodeName,
      restartPolicy: "Always",
      terminationGracePeriodSeconds: 30,
      containers: [{ name: "main", image: "busybox:1.36", imagePullPolicy: "IfNotPresent" }],
    },
    ...overrides,
  };
}

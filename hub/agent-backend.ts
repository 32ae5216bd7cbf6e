import type { NodeCondition, Pod, Taint } from "kubernetes-types/core/v1.js";
import type { Logger } from "winston";
import type { GatewayBackend } from "./gateway/backend.js";
import type {
  AgentHello,
  AssignedPod,
  NodeHeartbeat,
  UsageReport,
} from "../proto/hub-agent-frames.js";
import { mergeConditions, taintsForConditions } from "./nodes/node-conditions.js";
import { canonicalJson } from "../agent/pods/spec-hash.js";
import type { UsageStore } from "./usage/usage-store.js";
import { NODE_TAINT } from "./placement/index.js";
import { isConflict, type NodeObject, type PodObject, type Store } from "./store/index.js";
import {
  MIRROR_ANNOTATION,
  isMirrorPod,
  isStaticPodReport,
  removePod,
  rfc3339,
} from "./pod-termination.js";
import type { NodeLiveness } from "./node-lifecycle.js";
import { recordEvent } from "./events.js";
import { AssignedPodIndex } from "./assigned-pod-index.js";
import { WriteBatch } from "./write-batch.js";
import type { AuthStore } from "./auth/auth-store.js";

/**
 * The hub side of the agent protocol, on the store: registers nodes, hands each node its pods,
 * and takes pod status — a node may only report for pods bound to itself.
 */
export class StoreAgentBackend implements GatewayBackend {
  /** What each node is sent, in memory, from the store's watch. */
  private readonly assigned: AssignedPodIndex;
  private readonly statusWrites: WriteBatch;

  constructor(
    private readonly store: Store,
    private readonly auth: AuthStore,
    private readonly liveness: NodeLiveness,
    private readonly logger: Logger,
    private readonly usageStore: UsageStore,
  ) {
    this.assigned = new AssignedPodIndex(store);
    this.statusWrites = new WriteBatch(store);
  }

  authenticate(token: string | undefined): string | undefined {
    return this.auth.nodeForCredential(token);
  }

  agentConnected(hello: AgentHello): void {
    const name = hello.nodeName;
    const autoLabels = {
      "kubernetes.io/hostname": name,
      // The agent runs on Linux only; the architecture it reports is Node's name for it.
      "kubernetes.io/os": "linux",
      "kubernetes.io/arch": hello.nodeInfo.architecture || "amd64",
    };
    const existing = this.liveness.seen(name, this.store.get<NodeObject>("Node", "", name));
    const status = {
      capacity: hello.capacity,
      // An older agent does not say; all of its capacity is then allocatable.
      allocatable: Object.keys(hello.allocatable).length > 0 ? hello.allocatable : hello.capacity,
      addresses: hello.addresses,
      nodeInfo: {
        machineID: "",
        systemUUID: "",
        bootID: "",
        kernelVersion: hello.nodeInfo.kernelVersion,
        osImage: hello.nodeInfo.osImage,
        containerRuntimeVersion: hello.nodeInfo.containerRuntimeVersion,
        kubeletVersion: `daemonlet-${hello.agentVersion}`,
        kubeProxyVersion: "",
        operatingSystem: "linux",
        architecture: hello.nodeInfo.architecture,
      },
    };
    // The agent's pressure conditions stay as last reported; it sends them again at once. A node
    // that was Ready stays as it was: a fleet reconnecting to a restarted hub writes nothing.
    const held = existing?.status?.conditions ?? [];
    const conditions =
      held.find((c) => c.type === "Ready")?.status === "True"
        ? held
        : [
            ...held.filter((c) => c.type !== "Ready"),
            readyCondition("True", "AgentReady", "daemonlet agent is connected"),
          ];
    if (!existing) {
      // The agent's own labels count on first registration only; later `label` changes win.
      const created = this.store.create<NodeObject>({
        apiVersion: "v1",
        kind: "Node",
        metadata: { name, labels: { ...hello.labels, ...autoLabels } },
        spec: hello.taints.length > 0 ? { taints: hello.taints } : {},
        status: { ...status, conditions },
      });
      recordEvent(
        this.store,
        { apiVersion: "v1", kind: "Node", name, uid: created.metadata.uid },
        "Normal",
        "RegisteredNode",
        `Node ${name} event: Registered Node ${name} in Controller`,
        "node-controller",
      );
      this.logger.info("node registered", { node: name });
      return;
    }
    // One commit; each write is skipped by the store when it changes nothing.
    this.store.transaction(() => {
      const updated = this.store.update<NodeObject>({
        ...existing,
        metadata: { ...existing.metadata, labels: { ...existing.metadata.labels, ...autoLabels } },
        spec: { ...existing.spec, taints: withoutUnreachable(existing.spec?.taints) },
      });
      this.store.updateStatus<NodeObject>({
        ...updated,
        status: { ...updated.status, ...status, conditions },
      });
    });
    this.collectUnknownTerminating(name, new Set(hello.runningPodUids));
  }

  /**
   * Nothing to record: the session has logged it, and a node's readiness follows its heartbeats
   * (the node lifecycle marks it Unknown after the grace), so a brief reconnect changes nothing.
   */
  agentDisconnected(): void {}

  /**
   * The node is alive, and its conditions are as the agent says. Only a change of a condition's
   * status or reason is written (with the taints it implies), so steady heartbeats cost no write.
   */
  heartbeat(nodeName: string, heartbeat: NodeHeartbeat): void {
    // The node comes from memory (the liveness watch), not the store: heartbeats and status
    // reports are the hub's most frequent frames.
    const node = this.liveness.seen(nodeName, this.requireNode(nodeName));
    if (!node || heartbeat.conditions.length === 0) return;
    const now = new Date();
    const merged = mergeConditions(node.status?.conditions ?? [], heartbeat.conditions, now);
    const held = node.spec?.taints ?? [];
    // Taints follow the conditions whoever set them last (a reconnect or the lifecycle
    // controller resets Ready without touching the not-ready taint), so compare them too.
    const taints = taintsForConditions(held, merged.conditions, now);
    const taintsChanged = canonicalJson(taints) !== canonicalJson(held);
    if (!merged.changed && !taintsChanged) return;
    try {
      const updated = taintsChanged
        ? this.store.update<NodeObject>({
            ...node,
            spec: { ...node.spec, taints: taints.length > 0 ? taints : undefined },
          })
        : node;
      if (merged.changed) {
        this.store.updateStatus<NodeObject>({
          ...updated,
          status: { ...updated.status, conditions: merged.conditions },
        });
      }
    } catch (err) {
      // A concurrent edit (a label, a taint) won; the agent's next heartbeat says it again.
      if (!isConflict(err)) throw err;
      return;
    }
    this.logger.info("node conditions changed", {
      node: nodeName,
      conditions: Object.fromEntries(merged.conditions.map((c) => [c.type, c.status])),
    });
  }

  usage(nodeName: string, report: UsageReport): void {
    this.requireNode(nodeName);
    this.usageStore.apply(nodeName, report);
  }

  /**
   * A node deleted while its agent stays connected: ending the session makes the agent
   * reconnect, and its Hello registers the node again.
   */
  private requireNode(nodeName: string): NodeObject {
    const node = this.liveness.node(nodeName);
    if (!node) throw new Error(`node ${nodeName} was deleted; the agent must register again`);
    return node;
  }

  podsForNode(nodeName: string): AssignedPod[] {
    return this.assigned.forNode(nodeName);
  }

  onAssignmentsChanged(listener: (nodeName: string) => void): () => void {
    return this.assigned.onChange(listener);
  }

  podStatuses(
    nodeName: string,
    pods: Pod[],
    goneUids: string[],
    failed: (error: unknown) => void = () => {},
  ): void {
    this.liveness.seen(nodeName, this.requireNode(nodeName));
    this.statusWrites.add(() => this.recordStatuses(nodeName, pods, goneUids), failed);
  }

  private recordStatuses(nodeName: string, pods: Pod[], goneUids: string[]): void {
    for (const pod of pods) {
      try {
        if (isStaticPodReport(pod)) this.upsertMirror(nodeName, pod);
        else this.updateStatus(nodeName, pod);
      } catch (err) {
        // A concurrent write wins; the agent's next report carries the status again.
        if (!isConflict(err)) throw err;
      }
    }
    if (goneUids.length === 0) return;
    const gone = new Set(goneUids);
    for (const pod of this.store.list<PodObject>("Pod", { nodeName }).items) {
      // A mirror pod has a uid of the hub's; the agent knows its static pod by the one it keeps.
      const agentUid = isMirrorPod(pod)
        ? pod.metadata.annotations?.[MIRROR_ANNOTATION]
        : pod.metadata.uid;
      if (!gone.has(agentUid ?? "")) continue;
      if (pod.metadata.deletionTimestamp || isMirrorPod(pod)) removePod(this.store, pod);
    }
  }

  private updateStatus(nodeName: string, report: Pod): void {
    const namespace = report.metadata?.namespace ?? "default";
    const name = report.metadata?.name ?? "";
    let boundElsewhere = false;
    // The checks run on the store's own read of the pod: a report costs one read and one parse.
    this.store.guaranteedUpdateStatus<PodObject>("Pod", namespace, name, (stored) => {
      if (stored.metadata.uid !== report.metadata?.uid) return undefined;
      boundElsewhere = stored.spec?.nodeName !== nodeName;
      return boundElsewhere ? undefined : report.status;
    });
    if (!boundElsewhere) return;
    this.logger.warn("node reported status for a pod bound elsewhere; ignored", {
      node: nodeName,
      pod: `${namespace}/${name}`,
    });
  }

  /** Static pods show in the hub as mirror pods, named as the node names them: `<pod>-<node>`. */
  private upsertMirror(nodeName: string, report: Pod): void {
    const namespace = report.metadata?.namespace ?? "default";
    const name = report.metadata?.name ?? "";
    const existing = this.store.get<PodObject>("Pod", namespace, name);
    const annotations = {
      ...report.metadata?.annotations,
      [MIRROR_ANNOTATION]: report.metadata?.uid ?? "",
    };
    if (!existing) {
      this.store.create<PodObject>({
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name, namespace, labels: report.metadata?.labels, annotations },
        spec: { ...(report.spec ?? { containers: [] }), nodeName },
        status: report.status,
      });
      return;
    }
    if (!isMirrorPod(existing) || existing.spec?.nodeName !== nodeName) {
      this.logger.warn("static pod name taken by another pod; no mirror made", {
        node: nodeName,
        pod: `${namespace}/${name}`,
      });
      return;
    }
    const updated = this.store.update<PodObject>({
      ...existing,
      metadata: { ...existing.metadata, labels: report.metadata?.labels, annotations },
      spec: { ...(report.spec ?? { containers: [] }), nodeName },
    });
    this.store.updateStatus<PodObject>({ ...updated, status: report.status });
  }

  /** Terminating pods the agent does not have (it restarted, or never saw them) are gone. */
  private collectUnknownTerminating(nodeName: string, running: Set<string>): void {
    for (const pod of this.assigned.terminatingOn(nodeName)) {
      if (!running.has(pod.metadata?.uid ?? "")) removePod(this.store, pod);
    }
  }
}

export function readyCondition(status: string, reason: string, message: string): NodeCondition {
  const now = rfc3339(new Date());
  return {
    type: "Ready",
    status,
    reason,
    message,
    lastHeartbeatTime: now,
    lastTransitionTime: now,
  };
}

function withoutUnreachable(taints: Taint[] | undefined): Taint[] | undefined {
  const kept = (taints ?? []).filter((t) => t.key !== NODE_TAINT.unreachable);
  return kept.length > 0 ? kept : undefined;
}

import type { Taint } from "kubernetes-types/core/v1.js";
import type { Logger } from "winston";
import { NODE_TAINT } from "./placement/index.js";
import {
  isConflict,
  type NodeObject,
  type PodObject,
  type Store,
  type WatchEvent,
} from "./store/index.js";
import { readyCondition } from "./agent-backend.js";
import { collectPodsOfNode, rfc3339 } from "./pod-termination.js";
import { recordEvent } from "./events.js";

const NODE_UNREACHABLE = "NodeUnreachable";

export interface NodeLivenessOptions {
  /** A node silent this long becomes Ready=Unknown and gets the unreachable taint. */
  graceMs: number;
  checkIntervalMs: number;
}

export const DEFAULT_NODE_LIVENESS: NodeLivenessOptions = {
  graceMs: 40_000,
  checkIntervalMs: 5_000,
};

/**
 * The node lifecycle controller: a node whose agent has been silent past the grace period is
 * Ready=Unknown with the `node.kubernetes.io/unreachable:NoExecute` taint (its DaemonSet pods
 * tolerate it and stay bound: the agent keeps them running); the first word from it undoes both.
 */
export class NodeLiveness {
  private readonly lastSeen = new Map<string, number>();
  /**
   * Each node as last committed, from the Node watch (the copy its watchers share): a frame from
   * an agent, and each check of the fleet, cost a map lookup instead of reading and parsing nodes.
   */
  private readonly nodes = new Map<string, NodeObject>();
  private timer?: NodeJS.Timeout;
  private readonly unwatch: () => void;
  private started = false;
  private startedAt = Date.now();

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
    private readonly options: NodeLivenessOptions = DEFAULT_NODE_LIVENESS,
  ) {
    const { items, resourceVersion } = store.list<NodeObject>("Node");
    for (const node of items) this.nodes.set(node.metadata.name ?? "", node);
    this.unwatch = store.watch<NodeObject>("Node", (e) => this.onNodeEvent(e), {
      sinceResourceVersion: resourceVersion,
    });
  }

  /** Every node gets a full grace period after a hub start: silence before it is not the node's. */
  start(): void {
    this.started = true;
    this.startedAt = Date.now();
    this.timer = setInterval(() => {
      try {
        this.check();
      } catch (error) {
        // A store that cannot write (disk full) must not take the hub down from a timer.
        this.logger.error("node lifecycle check failed; retrying at the next check", {
          error: String(error),
        });
      }
    }, this.options.checkIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    this.started = false;
    clearInterval(this.timer);
    this.unwatch();
  }

  private onNodeEvent(e: WatchEvent<NodeObject>): void {
    const name = e.object.metadata.name ?? "";
    if (e.type !== "DELETED") {
      this.nodes.set(name, e.object);
      return;
    }
    this.nodes.delete(name);
    if (!this.started) return;
    this.lastSeen.delete(name);
    collectPodsOfNode(this.store, name);
  }

  /** The node as last committed, shared with the store's watchers: callers must not change it. */
  node(nodeName: string): NodeObject | undefined {
    return this.nodes.get(nodeName);
  }

  /**
   * The node's agent spoke. `node` is the node as the caller has just read it, to save a read;
   * returns it as it is now (made reachable again if it was not).
   */
  seen(nodeName: string, node = this.node(nodeName)): NodeObject | undefined {
    this.lastSeen.set(nodeName, Date.now());
    if (!node || readyStatus(node) !== "Unknown") return node;
    this.setReachable(node, true);
    return this.store.get<NodeObject>("Node", "", nodeName);
  }

  check(): void {
    const now = Date.now();
    for (const [name, node] of this.nodes) {
      const last = this.lastSeen.get(name) ?? this.startedAt;
      if (now - last > this.options.graceMs && readyStatus(node) !== "Unknown") {
        this.setReachable(node, false);
      }
    }
  }

  private setPodsReachable(nodeName: string, reachable: boolean): void {
    for (const pod of this.store.list<PodObject>("Pod", { nodeName }).items) {
      try {
        this.store.updateStatus(reachable ? readyAgain(pod) : notReady(pod));
      } catch (err) {
        if (!isConflict(err)) throw err;
      }
    }
  }

  private setReachable(node: NodeObject, reachable: boolean): void {
    const name = node.metadata.name ?? "";
    const others = (node.spec?.taints ?? []).filter((t) => t.key !== NODE_TAINT.unreachable);
    const taints: Taint[] = reachable
      ? others
      : [
          ...others,
          { key: NODE_TAINT.unreachable, effect: "NoExecute", timeAdded: rfc3339(new Date()) },
        ];
    try {
      const updated = this.store.update<NodeObject>({
        ...node,
        spec: { ...node.spec, taints: taints.length > 0 ? taints : undefined },
      });
      const conditions = (updated.status?.conditions ?? []).filter((c) => c.type !== "Ready");
      const ready = reachable
        ? readyCondition("True", "AgentReady", "daemonlet agent is posting status again")
        : readyCondition("Unknown", "NodeStatusUnknown", "Agent stopped posting node status.");
      this.store.updateStatus<NodeObject>({
        ...updated,
        status: { ...updated.status, conditions: [...conditions, ready] },
      });
    } catch (err) {
      if (!isConflict(err)) throw err;
      return; // the next check or heartbeat tries again on the newer object
    }
    this.setPodsReachable(name, reachable);
    const ref = { apiVersion: "v1", kind: "Node", name, uid: node.metadata.uid };
    recordEvent(
      this.store,
      ref,
      reachable ? "Normal" : "Warning",
      reachable ? "NodeReady" : "NodeNotReady",
      `Node ${name} status is now: ${reachable ? "NodeReady" : "NodeNotReady"}`,
      "node-lifecycle-controller",
    );
    if (reachable) this.logger.info("node reachable again", { node: name });
    else
      this.logger.warn("node unreachable: no word from its agent", {
        node: name,
        graceSeconds: this.options.graceMs / 1000,
      });
  }
}

/**
 * As Kubernetes does: nobody can vouch for the pods of a silent node, so they are not Ready (the
 * DaemonSet counts them unavailable and alerts fire); the agent's status resend on reconnect
 * restores what is true.
 */
function notReady(pod: PodObject): PodObject {
  const now = rfc3339(new Date());
  const conditions = (pod.status?.conditions ?? []).map((c) =>
    (c.type === "Ready" || c.type === "ContainersReady") && c.status === "True"
      ? {
          ...c,
          status: "False",
          reason: NODE_UNREACHABLE,
          message: "the node's agent is silent",
          lastTransitionTime: now,
        }
      : c,
  );
  return { ...pod, status: { ...pod.status, conditions } };
}

/**
 * Undoes exactly what notReady did. The agent only sends what changed since its last report: if
 * the pod really changed while the node was silent, that report corrects this at once.
 */
function readyAgain(pod: PodObject): PodObject {
  const conditions = (pod.status?.conditions ?? []).map((c) =>
    c.reason === NODE_UNREACHABLE
      ? { type: c.type, status: "True", lastTransitionTime: rfc3339(new Date()) }
      : c,
  );
  return { ...pod, status: { ...pod.status, conditions } };
}

function readyStatus(node: NodeObject): string | undefined {
  return node.status?.conditions?.find((c) => c.type === "Ready")?.status;
}

// The pods each node is sent (its live, hub-assigned pods, as AssignedPods), kept in memory by a
// watch on the store: a session re-reads its node's pods after every change to them, and at ten
// thousand nodes a query and a parse per change was most of a rollout's cost. A node's listeners
// hear only of changes to what it is sent, not of status reports. The index also knows which
// pods are terminating on each node, which a reconnecting agent's Hello settles.
import type { Pod } from "kubernetes-types/core/v1.js";
import type { AssignedPod } from "../proto/hub-agent-frames.js";
import { setPodHash } from "./gateway/pod-set-diff.js";
import { isMirrorPod } from "./pod-termination.js";
import type { PodObject, Store, WatchEvent } from "./store/index.js";

interface Entry {
  node: string;
  pod: AssignedPod;
  /** What its node is sent of the pod, as one short string: equal strings, nothing to send. */
  seen: string;
}

export class AssignedPodIndex {
  /** uid → entry */
  private readonly entries = new Map<string, Entry>();
  /** node → uid → pod */
  private readonly byNode = new Map<string, Map<string, AssignedPod>>();
  private readonly listeners = new Set<(nodeName: string) => void>();
  /** node → uid → the pod's name, of pods terminating there until they are gone */
  private readonly terminating = new Map<string, Map<string, Pod>>();
  /** uid → node, of the same pods */
  private readonly terminatingNode = new Map<string, string>();
  private readonly unwatch: () => void;

  constructor(store: Store) {
    const { items, resourceVersion } = store.list<PodObject>("Pod");
    for (const pod of items) {
      this.put(pod);
      this.fileTerminating(pod.metadata.uid ?? "", pod);
    }
    this.unwatch = store.watch<PodObject>("Pod", (e) => this.onEvent(e), {
      sinceResourceVersion: resourceVersion,
    });
  }

  /** The node's pods, shared with the index: callers must not change them. */
  forNode(nodeName: string): AssignedPod[] {
    return [...(this.byNode.get(nodeName)?.values() ?? [])];
  }

  /** Pods terminating on the node (name, namespace and uid only). */
  terminatingOn(nodeName: string): Pod[] {
    return [...(this.terminating.get(nodeName)?.values() ?? [])];
  }

  /** Calls the listener with a node's name when what it is sent has changed. */
  onChange(listener: (nodeName: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.unwatch();
    this.listeners.clear();
  }

  private onEvent(e: WatchEvent<PodObject>): void {
    const uid = e.object.metadata.uid ?? "";
    const before = this.entries.get(uid);
    const after = e.type === "DELETED" ? undefined : this.put(e.object);
    if (after === undefined) this.remove(uid);
    this.fileTerminating(uid, e.type === "DELETED" ? undefined : e.object);
    if (before?.seen === after?.seen && before?.node === after?.node) return;
    for (const node of new Set([before?.node, after?.node])) {
      if (node === undefined) continue;
      for (const listener of this.listeners) listener(node);
    }
  }

  /** Files the pod if its node is sent it; returns its entry, or undefined if it is not sent. */
  private put(pod: PodObject): Entry | undefined {
    const node = pod.spec?.nodeName;
    // A terminating pod is no longer sent: its absence is what tells the agent to stop it.
    if (!node || pod.metadata.deletionTimestamp || isMirrorPod(pod)) return undefined;
    const uid = pod.metadata.uid ?? "";
    const labels = pod.metadata.labels ?? {};
    const annotations = pod.metadata.annotations ?? {};
    // The store bumps a pod's generation whenever its spec changes, so a status report is
    // told apart without serialising the spec. Key order may differ between two writes of the
    // same labels; that costs one needless look at the node's pods (the session's own diff
    // then finds nothing), never a missed one.
    const seen = `${pod.metadata.generation ?? 0} ${JSON.stringify(labels)} ${JSON.stringify(annotations)}`;
    const before = this.entries.get(uid);
    if (before?.seen === seen && before.node === node) return before;
    if (before) this.byNode.get(before.node)?.delete(uid);
    const assigned: AssignedPod = {
      uid,
      name: pod.metadata.name ?? "",
      namespace: pod.metadata.namespace ?? "default",
      labels,
      annotations,
      spec: pod.spec ?? { containers: [] },
    };
    setPodHash(assigned, seen);
    const entry = { node, pod: assigned, seen };
    this.entries.set(uid, entry);
    let onNode = this.byNode.get(node);
    if (!onNode) this.byNode.set(node, (onNode = new Map()));
    onNode.set(uid, assigned);
    return entry;
  }

  /** Files a terminating pod under its node; a pod that is gone, or not terminating, is not. */
  private fileTerminating(uid: string, pod: PodObject | undefined): void {
    const node = pod?.spec?.nodeName;
    if (pod && node && pod.metadata.deletionTimestamp && !isMirrorPod(pod)) {
      const { name, namespace } = pod.metadata;
      let onNode = this.terminating.get(node);
      if (!onNode) this.terminating.set(node, (onNode = new Map()));
      onNode.set(uid, { metadata: { name, namespace, uid } });
      this.terminatingNode.set(uid, node);
      return;
    }
    const at = this.terminatingNode.get(uid);
    if (at === undefined) return;
    this.terminatingNode.delete(uid);
    const onNode = this.terminating.get(at);
    onNode?.delete(uid);
    if (onNode?.size === 0) this.terminating.delete(at);
  }

  private remove(uid: string): void {
    const entry = this.entries.get(uid);
    if (!entry) return;
    this.entries.delete(uid);
    const onNode = this.byNode.get(entry.node);
    onNode?.delete(uid);
    if (onNode?.size === 0) this.byNode.delete(entry.node);
  }
}

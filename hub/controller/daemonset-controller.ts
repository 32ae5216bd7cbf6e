import type { ControllerRevision, DaemonSet } from "kubernetes-types/apps/v1.js";
import type { Node, ObjectReference, Pod } from "kubernetes-types/core/v1.js";
import type { Logger } from "winston";
import { daemonPodPlacement, withDefaultDaemonSetTolerations } from "../placement/index.js";
import { canonicalJson } from "../../agent/pods/spec-hash.js";
import { EventRecorder } from "../events.js";
import type { KubeObject, Store } from "../store/index.js";
import { revisionData } from "./revision-data.js";
import { planDaemonSet, type DaemonSetAction } from "./daemonset-plan.js";
import { REVISION_HASH_LABEL, revisionHash, templateHash } from "./template-hash.js";
import { WorkQueue } from "./work-queue.js";
import { FailedPodBackoff } from "./failed-pod-backoff.js";
import { ObjectCache } from "./object-cache.js";
import { freshPodName } from "./pod-name.js";

const COMPONENT = "daemonset-controller";
const DEFAULT_REVISION_HISTORY_LIMIT = 10;
/** Copied from the DaemonSet to each new revision, for `rollout history`, as Kubernetes does. */
const CHANGE_CAUSE_ANNOTATION = "kubernetes.io/change-cause";

/** Deletes a pod gracefully: the node's agent stops it, then reports it gone. */
export type PodDeleter = (pod: Pod, reason: string) => void;

/**
 * The DaemonSet controller: any change to a DaemonSet, a node or a pod enqueues the DaemonSets it
 * touches; a sync plans (pure) and applies the plan. Store calls are synchronous, so one sync runs
 * to its end before the next event is handled: no two syncs ever see the same missing pod.
 */
export class DaemonSetController {
  private readonly queue: WorkQueue;
  private readonly unwatch: (() => void)[] = [];
  private minReadyTimer?: NodeJS.Timeout;
  private readonly failedBackoff = new FailedPodBackoff();
  /** Every sync reads all nodes and its DaemonSet's pods: from memory, not from the store. */
  private readonly nodes: ObjectCache<Node & KubeObject>;
  private readonly pods: ObjectCache<Pod & KubeObject>;
  private readonly events: EventRecorder;

  constructor(
    private readonly store: Store,
    private readonly deletePod: PodDeleter,
    private readonly logger: Logger,
    /** Told how long each DaemonSet sync took, for the hub's metrics. */
    observeSync: (seconds: number) => void = () => {},
  ) {
    this.events = new EventRecorder(store, COMPONENT);
    this.queue = new WorkQueue(
      (key) => {
        const started = performance.now();
        try {
          return this.sync(key, started);
        } finally {
          observeSync((performance.now() - started) / 1000);
        }
      },
      (key, err, retryInMs) =>
        logger.warn("daemonset sync failed; retrying", {
          daemonset: key,
          error: String(err),
          retryInMs,
        }),
    );
    // A node change can only change where DaemonSets run, never orphan a pod.
    this.nodes = new ObjectCache(store, "Node", undefined, () => this.enqueueDaemonSets());
    this.pods = new ObjectCache(store, "Pod", ownerKey, (e) => {
      const key = ownerKey(e.object);
      if (key !== undefined) this.queue.add(key);
    });
  }

  start(): void {
    this.nodes.start();
    this.pods.start();
    this.unwatch.push(
      this.store.watch<DaemonSet & KubeObject>("DaemonSet", (e) => this.queue.add(keyOf(e.object))),
    );
    this.enqueueAll();
    // Availability after minReadySeconds is a matter of time, not of an event.
    this.minReadyTimer = setInterval(() => this.enqueueAll(), 5000);
  }

  stop(): void {
    clearInterval(this.minReadyTimer);
    for (const u of this.unwatch) u();
    this.nodes.stop();
    this.pods.stop();
    this.queue.stop();
  }

  private enqueueDaemonSets(): void {
    for (const ds of this.store.list<DaemonSet & KubeObject>("DaemonSet").items) {
      this.queue.add(keyOf(ds));
    }
  }

  /** Every DaemonSet, and every DaemonSet some pod names as owner (it may be gone). */
  private enqueueAll(): void {
    this.enqueueDaemonSets();
    for (const key of this.pods.indexKeys()) this.queue.add(key);
  }

  /** Returns how long it took to read and plan: what every sync of the key costs, however little it changes. */
  private sync(key: string, started: number): number {
    const [namespace = "default", name = ""] = key.split("/");
    const ds = this.store.get<DaemonSet & KubeObject>("DaemonSet", namespace, name);
    const live = ds && !ds.metadata?.deletionTimestamp ? ds : undefined;
    const owned: (Pod & KubeObject)[] = [];
    // Pods of a deleted DaemonSet, or of an earlier one of the same name, are terminated; until
    // they are gone they hold their nodes, so a recreated DaemonSet never runs two pods on one.
    for (const pod of this.pods.indexed(key)) {
      if (pod.metadata?.deletionTimestamp || daemonSetOwner(pod)?.uid === live?.metadata?.uid) {
        owned.push(pod);
        continue;
      }
      this.deletePod(
        pod,
        live ? `it belongs to an earlier DaemonSet ${key}` : `DaemonSet ${key} deleted`,
      );
      const terminating = this.store.get<Pod & KubeObject>(
        "Pod",
        namespace,
        pod.metadata.name ?? "",
      );
      if (terminating && terminating.metadata.uid === pod.metadata.uid) owned.push(terminating);
    }
    if (!live) {
      this.pruneRevisionsOfDeleted(namespace, name);
      return performance.now() - started;
    }
    return this.syncLive(live, owned, started);
  }

  private syncLive(
    ds: DaemonSet & KubeObject,
    ownedByThis: (Pod & KubeObject)[],
    started: number,
  ): number {
    const template = ds.spec?.template ?? {};
    const hash = templateHash(template);
    const revisions = this.ensureRevision(ds, hash, ownedByThis);
    const templateSpec = template.spec ?? { containers: [] };
    const plan = planDaemonSet({
      ds,
      currentHash: hash,
      nodes: this.nodes.list(),
      pods: ownedByThis,
      place: daemonPodPlacement(templateSpec),
      now: Date.now(),
    });
    const planned = performance.now() - started;
    const actions = this.pacedFailedPods(ds, plan.actions);
    const newPod = podMaker(ds, hash);
    this.store.transaction(() =>
      this.events.batch(() => {
        for (const action of actions) this.apply(ds, hash, newPod, revisions, action);
      }),
    );
    if (actions.length > 0) {
      // One line per sync: a rollout over ten thousand nodes is not ten thousand lines (each pod
      // has its event, and its own line at debug level).
      const created = actions.filter((a) => a.kind === "createPod").length;
      this.logger.info("daemonset synced", {
        daemonset: keyOf(ds),
        revision: revisions.get(hash),
        created,
        deleted: actions.length - created,
      });
    }
    if (canonicalJson(ds.status ?? {}) !== canonicalJson(plan.status)) {
      this.store.updateStatus({ ...ds, status: plan.status });
    }
    return planned;
  }

  /**
   * A failed pod is replaced with back-off per node (it is deleted, and its successor created,
   * only when the back-off allows), as Kubernetes paces a node that keeps failing a pod.
   */
  private pacedFailedPods(
    ds: DaemonSet & KubeObject,
    actions: readonly DaemonSetAction[],
  ): DaemonSetAction[] {
    const held = new Set<string>();
    const now = Date.now();
    return actions
      .filter((a) => {
        if (a.kind !== "deletePod" || a.pod.status?.phase !== "Failed") return true;
        const node = a.pod.spec?.nodeName ?? "";
        if (this.failedBackoff.mayReplace(`${ds.metadata?.uid}/${node}`, now)) return true;
        held.add(node);
        return false;
      })
      .filter((a) => a.kind !== "createPod" || !held.has(a.nodeName));
  }

  private apply(
    ds: DaemonSet & KubeObject,
    hash: string,
    newPod: (name: string, nodeName: string) => Pod & KubeObject,
    revisions: ReadonlyMap<string, number>,
    action: DaemonSetAction,
  ): void {
    const ref: ObjectReference = {
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      name: ds.metadata?.name,
      namespace: ds.metadata?.namespace,
      uid: ds.metadata?.uid,
    };
    const revision = (h: string) => {
      const number = revisions.get(h);
      return number === undefined ? `revision ${h || "<none>"}` : `revision ${number}`;
    };
    const step = action.step
      ? `rolling update from ${revision(action.step.fromHash)} to ${revision(action.step.toHash)}`
      : undefined;
    if (action.kind === "createPod") {
      const namespace = ds.metadata?.namespace ?? "default";
      const name = freshPodName(
        ds.metadata?.name ?? "",
        (n) => !!this.store.get("Pod", namespace, n),
      );
      const pod = this.store.create(newPod(name, action.nodeName));
      this.events.record(
        ref,
        "Normal",
        "SuccessfulCreate",
        `Created pod: ${pod.metadata?.name} on node ${action.nodeName} (${step ?? revision(hash)})`,
      );
      if (!this.logger.isDebugEnabled()) return;
      this.logger.debug("created pod", {
        daemonset: keyOf(ds),
        pod: pod.metadata?.name,
        node: action.nodeName,
        revision: revisions.get(hash),
        reason: action.reason,
      });
      return;
    }
    const node = action.pod.spec?.nodeName;
    this.deletePod(action.pod, action.reason);
    const why = step ? `${step}: ${action.reason}` : action.reason;
    this.events.record(
      ref,
      "Normal",
      "SuccessfulDelete",
      `Deleted pod: ${action.pod.metadata?.name} on node ${node} (${why})`,
    );
    if (!this.logger.isDebugEnabled()) return;
    this.logger.debug("deleted pod", {
      daemonset: keyOf(ds),
      pod: action.pod.metadata?.name,
      node,
      revision: revisions.get(revisionHash(action.pod)),
      reason: action.reason,
    });
  }

  /**
   * Each distinct template is kept as a ControllerRevision, numbered in order of use: a template
   * used again (an undo) becomes the newest revision again, as in Kubernetes. Besides the current
   * one, the newest `revisionHistoryLimit` (default 10) are kept, and any a live pod still runs.
   * Returns revision numbers by hash.
   */
  private ensureRevision(
    ds: DaemonSet & KubeObject,
    hash: string,
    pods: readonly Pod[],
  ): Map<string, number> {
    const namespace = ds.metadata?.namespace ?? "default";
    const name = `${ds.metadata?.name}-${hash}`;
    const mine = this.revisionsOf(namespace, ds.metadata?.name ?? "", ds.metadata?.uid);
    const newest = Math.max(0, ...mine.map((r) => r.revision));
    const existing = mine.find((r) => r.metadata.name === name);
    if (existing === undefined) {
      // Left by an earlier DaemonSet of the same name with the same template.
      if (this.store.get("ControllerRevision", namespace, name)) {
        this.store.delete("ControllerRevision", namespace, name);
      }
      const changeCause = ds.metadata?.annotations?.[CHANGE_CAUSE_ANNOTATION];
      mine.push(
        this.store.create<ControllerRevision & KubeObject>({
          apiVersion: "apps/v1",
          kind: "ControllerRevision",
          metadata: {
            name,
            namespace,
            labels: { ...(ds.spec?.template.metadata?.labels ?? {}), [REVISION_HASH_LABEL]: hash },
            ...(changeCause !== undefined && {
              annotations: { [CHANGE_CAUSE_ANNOTATION]: changeCause },
            }),
            ownerReferences: [ownerRef(ds)],
          },
          data: revisionData(ds.spec?.template),
          revision: newest + 1,
        }),
      );
    } else if (existing.revision !== newest) {
      const renumbered = this.store.update({ ...existing, revision: newest + 1 });
      mine.splice(mine.indexOf(existing), 1, renumbered);
    }
    const limit = ds.spec?.revisionHistoryLimit ?? DEFAULT_REVISION_HISTORY_LIMIT;
    const running = new Set(
      pods.filter((p) => !p.metadata?.deletionTimestamp).map((p) => revisionHash(p)),
    );
    const old = mine
      .filter((r) => r.metadata.name !== name)
      .sort((a, b) => b.revision - a.revision)
      .slice(limit)
      .filter((r) => !running.has(r.metadata.labels?.[REVISION_HASH_LABEL] ?? ""));
    for (const r of old) this.store.delete("ControllerRevision", namespace, r.metadata.name ?? "");
    return new Map(
      mine
        .filter((r) => !old.includes(r))
        .map((r) => [r.metadata.labels?.[REVISION_HASH_LABEL] ?? "", r.revision]),
    );
  }

  /** Revisions of the DaemonSet `name`; with `uid`, those of that very DaemonSet only. */
  private revisionsOf(namespace: string, name: string, uid?: string) {
    return this.store
      .list<ControllerRevision & KubeObject>("ControllerRevision", { namespace })
      .items.filter((r) =>
        r.metadata.ownerReferences?.some(
          (o) => o.kind === "DaemonSet" && o.name === name && (uid === undefined || o.uid === uid),
        ),
      );
  }

  private pruneRevisionsOfDeleted(namespace: string, name: string): void {
    for (const r of this.revisionsOf(namespace, name)) {
      this.store.delete("ControllerRevision", namespace, r.metadata.name ?? "");
    }
  }
}

/** Builds the DaemonSet's new pods: the default tolerations are worked out once per sync. */
function podMaker(
  ds: DaemonSet & KubeObject,
  hash: string,
): (name: string, nodeName: string) => Pod & KubeObject {
  const template = ds.spec?.template ?? {};
  const spec = template.spec ?? { containers: [] };
  const tolerations = withDefaultDaemonSetTolerations(spec);
  return (name, nodeName) => ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: ds.metadata?.namespace ?? "default",
      labels: {
        ...(template.metadata?.labels ?? {}),
        [REVISION_HASH_LABEL]: hash,
        "pod-template-generation": String(ds.metadata?.generation ?? 1),
      },
      annotations: template.metadata?.annotations,
      ownerReferences: [ownerRef(ds)],
    },
    spec: { ...spec, nodeName, tolerations },
    status: { phase: "Pending" },
  });
}

function ownerRef(ds: DaemonSet) {
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    name: ds.metadata?.name ?? "",
    uid: ds.metadata?.uid ?? "",
    controller: true,
    blockOwnerDeletion: true,
  };
}

function daemonSetOwner(pod: Pod) {
  return pod.metadata?.ownerReferences?.find((r) => r.kind === "DaemonSet" && r.controller);
}

/** `namespace/name` of the DaemonSet that controls the pod. */
function ownerKey(pod: Pod & KubeObject): string | undefined {
  const owner = daemonSetOwner(pod);
  return owner ? `${pod.metadata.namespace ?? "default"}/${owner.name}` : undefined;
}

function keyOf(o: { metadata?: { namespace?: string; name?: string } }): string {
  return `${o.metadata?.namespace || "default"}/${o.metadata?.name ?? ""}`;
}

// The pods the hub has assigned to this node, as the hub sent them and as the agent runs them.
// Each is validated again on the node with the same code as a static manifest: a pod that does
// not pass is logged and left out, and never takes the agent down.
import type { Logger } from "winston";
import type { ReceivedPod } from "../../proto/hub-agent-frames.js";
import type { DesiredPod } from "../pods/desired-pod.js";
import { ManifestError, parseManifestObject } from "../pods/manifest.js";
import { canonicalJson } from "../pods/spec-hash.js";
import { errorMessage } from "../error-message.js";

/** What the hub last sent: persisted, so a restarted agent keeps its pods without a hub. */
export interface AssignedPodsState {
  /** Version of the last snapshot or delta applied; 0 before the first. */
  version: number;
  pods: ReceivedPod[];
}

interface Entry {
  pod: ReceivedPod;
  /** Canonical JSON of `pod`, to tell a changed pod from one sent again unchanged. */
  key: string;
  desired?: DesiredPod;
  /** Why the node refused the pod, when it did. */
  problem?: string;
}

export class AssignedPodSet {
  private entries = new Map<string, Entry>();
  private appliedVersion = 0;
  private removedRefused: string[] = [];

  constructor(
    private readonly nodeName: string,
    private readonly logger: Logger,
  ) {}

  get version(): number {
    return this.appliedVersion;
  }

  state(): AssignedPodsState {
    return { version: this.appliedVersion, pods: [...this.entries.values()].map((e) => e.pod) };
  }

  /** The valid pods, ready for the agent. */
  pods(): DesiredPod[] {
    return [...this.entries.values()].flatMap((e) => e.desired ?? []);
  }

  /** Replaces the whole set; true when any pod was added, changed or removed. */
  replace(version: number, pods: readonly ReceivedPod[]): boolean {
    const uids = new Set(pods.map((p) => p.uid));
    const removed = [...this.entries.keys()].filter((uid) => !uids.has(uid));
    return this.apply(version, pods, removed);
  }

  /** Applies a delta; true when any pod was added, changed or removed. */
  apply(version: number, upserts: readonly ReceivedPod[], removedUids: readonly string[]): boolean {
    this.appliedVersion = version;
    let changed = false;
    for (const uid of removedUids) {
      const entry = this.entries.get(uid);
      if (entry && !entry.desired) this.removedRefused.push(uid);
      changed = this.entries.delete(uid) || changed;
    }
    for (const pod of upserts) {
      const key = canonicalJson(pod);
      if (this.entries.get(pod.uid)?.key === key) continue;
      changed = true;
      this.entries.set(pod.uid, { pod, key, ...this.validate(pod) });
    }
    return changed;
  }

  /** Pods the node refused, with the reason, so the hub can show why they do not run. */
  refused(): { pod: ReceivedPod; problem: string }[] {
    return [...this.entries.values()].flatMap((e) =>
      e.problem === undefined ? [] : [{ pod: e.pod, problem: e.problem }],
    );
  }

  /** Refused pods removed since the last call: no worker will ever report them gone. */
  takeRemovedRefused(): string[] {
    const uids = this.removedRefused;
    this.removedRefused = [];
    return uids;
  }

  private validate(pod: ReceivedPod): { desired?: DesiredPod; problem?: string } {
    try {
      return { desired: toDesiredPod(pod, this.nodeName) };
    } catch (error) {
      // Anything that stops one pod from being read stops that pod only.
      const problem = errorMessage(error);
      this.logger.error("refusing a pod from the hub", {
        pod: `${pod.namespace}/${pod.name}`,
        uid: pod.uid,
        problem,
      });
      return { problem };
    }
  }
}

/** Throws ManifestError naming the pod and the field path when the pod cannot run here. */
export function toDesiredPod(pod: ReceivedPod, nodeName: string): DesiredPod {
  // proto3 sends an unset namespace as "", which Kubernetes reads as the default one.
  const namespace = pod.namespace || "default";
  const sourceRef = `hub pod ${namespace}/${pod.name}`;
  if (pod.uid === "") {
    throw new ManifestError(sourceRef, [{ fieldPath: "metadata.uid", reason: "required" }]);
  }
  const manifest = parseManifestObject(
    {
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name: pod.name,
        namespace,
        labels: pod.labels,
        annotations: pod.annotations,
      },
      spec: pod.spec,
    },
    sourceRef,
  );
  const boundTo = manifest.spec.nodeName;
  if (boundTo !== undefined && boundTo !== nodeName) {
    throw new ManifestError(sourceRef, [
      { fieldPath: "spec.nodeName", reason: `is ${boundTo}, not this node (${nodeName})` },
    ]);
  }
  return {
    uid: pod.uid,
    name: manifest.name,
    namespace: manifest.namespace,
    nodeName,
    source: "hub",
    sourceRef,
    labels: manifest.labels,
    annotations: manifest.annotations,
    spec: { ...manifest.spec, nodeName },
  };
}

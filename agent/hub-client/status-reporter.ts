// The agent's status manager for the hub (the kubelet's, in small): it remembers what the hub
// was last sent for each pod and turns the agent's view into deltas, so a node does not resend
// every pod on every tick. Pure; the hub client decides when to send.
import type { Pod } from "kubernetes-types/core/v1.js";
import { canonicalJson } from "../pods/spec-hash.js";

export interface StatusReport {
  pods: Pod[];
  /** Pods the hub was sent before that the node no longer has. */
  goneUids: string[];
}

export class StatusReporter {
  private latest = new Map<string, Pod>();
  /** uid → fingerprint of what the hub was last sent; kept across reconnects, for goneUids. */
  private readonly sent = new Map<string, string>();
  /** Pods gone before the hub was ever sent them (refused, or quick to go): still to report. */
  private readonly unsentGone = new Set<string>();

  /** The agent's current pods; pods without a uid cannot be reported and are left out. */
  observe(pods: readonly Pod[]): void {
    this.latest = new Map(
      pods.flatMap((p): [string, Pod][] => (p.metadata?.uid ? [[p.metadata.uid, p]] : [])),
    );
  }

  /** A pod the node no longer has, whether or not its status was ever sent. */
  gone(uid: string): void {
    this.latest.delete(uid);
    if (!this.sent.has(uid)) this.unsentGone.add(uid);
  }

  /** Pods whose status or metadata changed since they were last sent; undefined if none did. */
  changes(): StatusReport | undefined {
    const report = this.take(false);
    return report.pods.length > 0 || report.goneUids.length > 0 ? report : undefined;
  }

  /** Every pod, for a (re)connected or periodically resynced hub. */
  everything(): StatusReport {
    return this.take(true);
  }

  private take(all: boolean): StatusReport {
    const pods: Pod[] = [];
    for (const [uid, pod] of this.latest) {
      // The spec never changes under one uid, so what may change is metadata and status.
      const print = canonicalJson({ metadata: pod.metadata, status: pod.status });
      if (all || this.sent.get(uid) !== print) pods.push(pod);
      this.sent.set(uid, print);
    }
    const goneUids = [...this.sent.keys()].filter((uid) => !this.latest.has(uid));
    for (const uid of goneUids) this.sent.delete(uid);
    for (const uid of this.unsentGone) if (!this.latest.has(uid)) goneUids.push(uid);
    this.unsentGone.clear();
    return { pods, goneUids };
  }
}

// The agent's admission gate: which desired pods the node has taken on. Once admitted a pod stays
// admitted (its containers may run); a rejected pod stays rejected and is reported Failed, as a
// kubelet's is: the DaemonSet controller replaces it, and the replacement is admitted afresh.
import type { Pod } from "kubernetes-types/core/v1.js";
import { podObjectMeta, type DesiredPod } from "../pods/desired-pod.js";
import {
  admit,
  podRequests,
  sumRequests,
  type Rejection,
  type ResourceAmounts,
} from "./admission.js";

interface Rejected {
  pod: DesiredPod;
  rejection: Rejection;
  at: string;
}

export class PodAdmitter {
  private readonly admitted = new Map<string, ResourceAmounts>();
  private readonly rejected = new Map<string, Rejected>();

  constructor(private readonly allocatable: ResourceAmounts) {}

  /**
   * The pods the node runs, of those desired. Pods that already have containers were admitted by
   * an earlier run of the agent and keep running whatever they request; static pods are
   * considered before hub pods, as a kubelet admits its critical static pods first.
   */
  filter(
    desired: readonly DesiredPod[],
    withContainers: ReadonlySet<string>,
    now: Date,
  ): DesiredPod[] {
    const wanted = new Set(desired.map((p) => p.uid));
    for (const uid of this.admitted.keys()) if (!wanted.has(uid)) this.admitted.delete(uid);
    for (const uid of this.rejected.keys()) if (!wanted.has(uid)) this.rejected.delete(uid);
    const order = [...desired].sort((a, b) => rank(a) - rank(b));
    for (const pod of order) {
      if (this.admitted.has(pod.uid) || this.rejected.has(pod.uid)) continue;
      const requests = podRequests(pod.spec);
      const rejection = withContainers.has(pod.uid)
        ? undefined
        : admit(requests, sumRequests([...this.admitted.values()]), this.allocatable);
      if (rejection) this.rejected.set(pod.uid, { pod, rejection, at: now.toISOString() });
      else this.admitted.set(pod.uid, requests);
    }
    return desired.filter((p) => this.admitted.has(p.uid));
  }

  /** What the admitted pods request together. */
  allocated(): ResourceAmounts {
    return sumRequests([...this.admitted.values()]);
  }

  /** Rejected pods as a kubelet reports them: Failed, with the reason and nothing started. */
  rejectedPods(): Pod[] {
    return [...this.rejected.values()].map(({ pod, rejection, at }) => ({
      apiVersion: "v1",
      kind: "Pod",
      metadata: podObjectMeta(pod),
      spec: { ...pod.spec, nodeName: pod.nodeName },
      status: {
        phase: "Failed",
        reason: rejection.reason,
        message: rejection.message,
        startTime: at,
      },
    }));
  }
}

function rank(pod: DesiredPod): number {
  return pod.source === "static" ? 0 : 1;
}

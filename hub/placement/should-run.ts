// The DaemonSet controller's placement predicate (Kubernetes `NodeShouldRunDaemonPod`): whether a
// DaemonSet's pod belongs on a node, both for creating one and for keeping one that runs.
//
// The two answers differ only for taints. A node that stops matching spec.nodeName, the node
// selector or the required node affinity loses its pod; a new NoSchedule taint only stops new
// pods, while a new NoExecute taint evicts the running one too. Kubernetes's controller does not
// look at spec.unschedulable: a cordoned node carries the unschedulable taint, which every
// DaemonSet pod tolerates, so cordoned nodes keep running DaemonSet pods.
import type { Node, PodSpec } from "kubernetes-types/core/v1.js";
import { withDefaultDaemonSetTolerations } from "./default-tolerations.js";
import { requiredNodeAffinityFailures } from "./node-affinity.js";
import { nodeSelectorMismatches } from "./node-selector.js";
import { describeTaint, untoleratedTaints } from "./tolerations.js";
import type { PlacementDecision, PlacementReason, PlacementReasonCode } from "./types.js";

const because =
  (code: PlacementReasonCode) =>
  (message: string): PlacementReason => ({ code, message });

/**
 * Where `podSpec` (the DaemonSet's template spec, before the default tolerations are added)
 * stands on `node`, with every failing rule as a reason.
 */
export function nodeShouldRunDaemonPod(node: Node, podSpec: PodSpec): PlacementDecision {
  return daemonPodPlacement(podSpec)(node);
}

/**
 * `nodeShouldRunDaemonPod` for one template over many nodes: the tolerations are worked out once,
 * not once per node (a sync over ten thousand nodes asks ten thousand times).
 */
export function daemonPodPlacement(podSpec: PodSpec): (node: Node) => PlacementDecision {
  const tolerations = withDefaultDaemonSetTolerations(podSpec);
  return (node) => {
    const nodeName = node.metadata?.name ?? "";
    // Rules on what the node is; failing any one removes a running pod as well.
    const selection: PlacementReason[] = [];
    if (podSpec.nodeName && podSpec.nodeName !== nodeName) {
      selection.push({
        code: "NodeNameMismatch",
        message: `pod template sets spec.nodeName ${podSpec.nodeName}, and this node is ${nodeName}`,
      });
    }
    selection.push(
      ...nodeSelectorMismatches(podSpec.nodeSelector, node).map(because("NodeSelectorMismatch")),
      ...requiredNodeAffinityFailures(podSpec.affinity?.nodeAffinity, node).map(
        because("NodeAffinityMismatch"),
      ),
    );
    const untolerated = untoleratedTaints(node.spec?.taints ?? [], tolerations);
    const reasons = [
      ...selection,
      ...untolerated
        .map((taint) => `taint ${describeTaint(taint)} is not tolerated`)
        .map(because("TaintNotTolerated")),
    ];
    return {
      shouldRun: reasons.length === 0,
      shouldContinueRunning:
        selection.length === 0 && !untolerated.some((taint) => taint.effect === "NoExecute"),
      reasons,
    };
  };
}

/**
 * The decision for a pod whose node no longer exists (the controller finds it by the pod's
 * spec.nodeName), worded like the others so status and `explain` can show it the same way.
 */
export function nodeDeletedDecision(nodeName: string): PlacementDecision {
  return {
    shouldRun: false,
    shouldContinueRunning: false,
    reasons: [{ code: "NodeDeleted", message: `node ${nodeName} no longer exists` }],
  };
}

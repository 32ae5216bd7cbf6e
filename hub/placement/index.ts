// Placement: whether a DaemonSet's pod belongs on a node, with Kubernetes's DaemonSet semantics.
// Pure functions, shared by the DaemonSet controller, the status counters and `daemonlet explain`.
export type { PlacementDecision, PlacementReason, PlacementReasonCode } from "./types.js";
export { daemonPodPlacement, nodeShouldRunDaemonPod, nodeDeletedDecision } from "./should-run.js";
export { withDefaultDaemonSetTolerations, NODE_TAINT } from "./default-tolerations.js";
export { tolerationTolerates, untoleratedTaints, describeTaint } from "./tolerations.js";
export { matchNodeSelectorTerms, type TermsMatch } from "./node-affinity.js";
export { isQualifiedName, isValidLabelValue } from "./label-syntax.js";

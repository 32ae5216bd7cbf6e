// What the placement predicate answers. One decision feeds the DaemonSet controller, the status
// counters and `daemonlet explain`, so the three never disagree about why a node is (not) used.

export type PlacementReasonCode =
  | "NodeNameMismatch"
  | "NodeSelectorMismatch"
  | "NodeAffinityMismatch"
  | "TaintNotTolerated"
  | "NodeDeleted";

export interface PlacementReason {
  code: PlacementReasonCode;
  /** Names the exact selector pair, affinity expression or taint, so an operator can act on it. */
  message: string;
}

export interface PlacementDecision {
  /** A pod should be created on this node when none runs there yet. */
  shouldRun: boolean;
  /** A pod already running on this node should be kept. */
  shouldContinueRunning: boolean;
  /** Every failing rule, not just the first; empty exactly when shouldRun is true. */
  reasons: PlacementReason[];
}

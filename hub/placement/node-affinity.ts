// Required node affinity (Kubernetes component-helpers `nodeaffinity`): nodeSelectorTerms are
// ORed, and within a term matchExpressions and matchFields are ANDed. The preferred terms only
// rank nodes for a scheduler; a DaemonSet has one pod per node and nothing to rank, so they play
// no part in placement.
import type { Node, NodeAffinity, NodeSelectorTerm } from "kubernetes-types/core/v1.js";
import { fieldRequirementFailure, labelRequirementFailure } from "./requirement.js";

export interface TermsMatch {
  matches: boolean;
  /** Every failing requirement of every term, `term 0: expression …`; empty when matches. */
  reasons: string[];
}

/** Why one term fails on the node, one entry per failing requirement; empty when it matches. */
function termFailures(term: NodeSelectorTerm, node: Node): string[] {
  const expressions = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  // Kubernetes: an empty term selects nothing, rather than everything.
  if (expressions.length === 0 && fields.length === 0) {
    return ["has no matchExpressions or matchFields, so it matches no node"];
  }
  const labels = node.metadata?.labels;
  const name = node.metadata?.name ?? "";
  return [
    ...expressions.map((req) => labelRequirementFailure(req, labels)),
    ...fields.map((req) => fieldRequirementFailure(req, name)),
  ].filter((failure) => failure !== undefined);
}

/** Whether any of the terms matches the node, and if none does, why each one fails. */
export function matchNodeSelectorTerms(terms: NodeSelectorTerm[], node: Node): TermsMatch {
  // An empty list is a selector with nothing to satisfy, and Kubernetes lets it match no node.
  if (terms.length === 0) {
    return { matches: false, reasons: ["has no nodeSelectorTerms, so it matches no node"] };
  }
  const reasons: string[] = [];
  for (const [i, term] of terms.entries()) {
    const failures = termFailures(term, node);
    if (failures.length === 0) return { matches: true, reasons: [] };
    reasons.push(...failures.map((failure) => `term ${i}: ${failure}`));
  }
  return { matches: false, reasons };
}

/**
 * Why the node fails `requiredDuringSchedulingIgnoredDuringExecution`, each message starting
 * `required node affinity`; empty when there is no such requirement or the node meets it.
 */
export function requiredNodeAffinityFailures(
  affinity: NodeAffinity | undefined,
  node: Node,
): string[] {
  const required = affinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (required === undefined) return [];
  // The type says nodeSelectorTerms is required, but a hand-written manifest can omit it; that
  // is the empty list, which matches no node.
  const { matches, reasons } = matchNodeSelectorTerms(required.nodeSelectorTerms ?? [], node);
  return matches ? [] : reasons.map((reason) => `required node affinity ${reason}`);
}

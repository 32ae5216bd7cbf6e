// Kubernetes's LabelSelector (`matchLabels` plus `matchExpressions`), as DaemonSets and list
// filters use it. All requirements are ANDed and an empty selector matches everything.
//
// A malformed requirement (unknown operator, In or NotIn without values) matches nothing, like
// the node-affinity requirements in hub/placement: Kubernetes refuses such a selector when it
// parses it, so nothing is ever selected by it.
import type { LabelSelector, LabelSelectorRequirement } from "kubernetes-types/meta/v1.js";
import { labelValue, type Labels } from "../placement/labels.js";

export function labelSelectorMatches(selector: LabelSelector, labels: Labels): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labelValue(labels, key) !== value) return false;
  }
  return (selector.matchExpressions ?? []).every((req) => requirementMatches(req, labels));
}

function requirementMatches(req: LabelSelectorRequirement, labels: Labels): boolean {
  const value = labelValue(labels, req.key);
  const values = req.values ?? [];
  switch (req.operator) {
    case "In":
      return values.length > 0 && value !== undefined && values.includes(value);
    case "NotIn":
      // A missing label is "not in" any set, as in Kubernetes.
      return values.length > 0 && (value === undefined || !values.includes(value));
    case "Exists":
      return value !== undefined;
    case "DoesNotExist":
      return value === undefined;
    default:
      return false;
  }
}

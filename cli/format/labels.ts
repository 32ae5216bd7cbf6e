// Labels and label selectors in the one-line forms kubectl prints (apimachinery's
// labels.FormatLabels and metav1.FormatLabelSelector): sorted, comma-joined, `<none>` if empty.
import type { LabelSelector, LabelSelectorRequirement } from "kubernetes-types/meta/v1.js";
import { byText } from "./text-order.js";

/** `a=1,b=2`, sorted by key; `<none>` for no labels. */
export function formatLabels(labels: Record<string, string> | undefined): string {
  const pairs = Object.keys(labels ?? {})
    .sort(byText)
    .map((key) => `${key}=${labels?.[key] ?? ""}`);
  return pairs.length > 0 ? pairs.join(",") : "<none>";
}

function requirement({ key, operator, values = [] }: LabelSelectorRequirement): string {
  const set = `(${[...values].sort(byText).join(",")})`;
  switch (operator) {
    case "In":
      return `${key} in ${set}`;
    case "NotIn":
      return `${key} notin ${set}`;
    case "Exists":
      return key;
    case "DoesNotExist":
      return `!${key}`;
    default:
      return `${key} ${operator} ${set}`;
  }
}

/** `app=web,tier in (a,b)`: matchLabels as `k=v`, all requirements sorted by key. */
export function formatLabelSelector(selector: LabelSelector | undefined): string {
  const parts: [string, string][] = [
    ...Object.entries(selector?.matchLabels ?? {}).map(([k, v]): [string, string] => [
      k,
      `${k}=${v}`,
    ]),
    ...(selector?.matchExpressions ?? []).map((r): [string, string] => [r.key, requirement(r)]),
  ];
  // Stable, so requirements on one key keep their order, as Go's sort of them happens to.
  parts.sort(([a], [b]) => byText(a, b));
  return parts.length > 0 ? parts.map(([, text]) => text).join(",") : "<none>";
}

// Builders shared by the placement tests: nodes and pod specs with only the fields a test cares
// about, so each table row reads as the rule it checks.
import type { Node, NodeSelectorRequirement, PodSpec, Taint } from "kubernetes-types/core/v1.js";

export function node(
  opts: {
    name?: string;
    labels?: Record<string, string>;
    taints?: Taint[];
    cordoned?: boolean;
  } = {},
): Node {
  return {
    metadata: { name: opts.name ?? "node-a", labels: opts.labels ?? {} },
    spec: { taints: opts.taints ?? [], unschedulable: opts.cordoned },
  };
}

export function podSpec(extra: Omit<PodSpec, "containers"> = {}): PodSpec {
  return { containers: [{ name: "agent", image: "example/agent:1" }], ...extra };
}

/** A pod spec whose required node affinity is one term per argument, each term ANDing its list. */
export function affinitySpec(...terms: NodeSelectorRequirement[][]): PodSpec {
  return podSpec({
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: terms.map((matchExpressions) => ({ matchExpressions })),
        },
      },
    },
  });
}

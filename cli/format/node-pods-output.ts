// Everything `daemonlet node pods` prints, as text for stdout and stderr: pure, so the exact
// output is testable without an agent.
import type { Pod } from "kubernetes-types/core/v1.js";
import type { NodePods } from "../../agent/local-api/list-pods-codec.js";
import type { ManifestProblem } from "../../agent/pods/node-pods-view.js";
import { formatObjectList } from "./kube-object.js";
import { formatPodTable } from "./pod-table.js";

export const OUTPUT_FORMATS = ["table", "wide", "json", "yaml"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface RenderedOutput {
  stdout: string;
  stderr: string;
}

function warning(problem: ManifestProblem): string {
  const kept = problem.keptPod
    ? ` (still running the last good version as ${problem.keptPod})`
    : "";
  return `warning: ${problem.file}: ${problem.message}${kept}\n`;
}

function podKey(pod: Pod): string {
  return `${pod.metadata?.namespace ?? ""}/${pod.metadata?.name ?? ""}`;
}

function byNamespaceAndName(a: Pod, b: Pod): number {
  const [left, right] = [podKey(a), podKey(b)];
  return left < right ? -1 : left > right ? 1 : 0;
}

export function renderNodePods(result: NodePods, format: OutputFormat, now: Date): RenderedOutput {
  // The API server lists in key order; the agent's view has none, so we give it that one.
  const pods = [...result.pods].sort(byNamespaceAndName);
  const warnings = result.manifestProblems.map(warning).join("");
  switch (format) {
    case "json":
      return { stdout: formatObjectList(pods, "json"), stderr: warnings };
    case "yaml":
      return { stdout: formatObjectList(pods, "yaml"), stderr: warnings };
    case "table":
    case "wide":
      // Like kubectl, the "nothing here" note goes to stderr so stdout stays parseable.
      if (pods.length === 0) {
        return {
          stdout: "",
          stderr: `No resources found on node ${result.nodeName}.\n${warnings}`,
        };
      }
      return { stdout: formatPodTable(pods, { wide: format === "wide", now }), stderr: warnings };
  }
}

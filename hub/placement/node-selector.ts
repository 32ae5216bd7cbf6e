// `spec.nodeSelector`: every key/value pair must equal one of the node's labels.
import type { Node } from "kubernetes-types/core/v1.js";
import { describeNodeLabel, labelValue } from "./labels.js";

/** One message per pair the node does not carry; empty when the node matches. */
export function nodeSelectorMismatches(
  selector: Record<string, string> | undefined,
  node: Node,
): string[] {
  const labels = node.metadata?.labels;
  return Object.entries(selector ?? {})
    .filter(([key, want]) => labelValue(labels, key) !== want)
    .map(
      ([key, want]) =>
        `node(s) didn't match node selector: ${key}=${want} (${describeNodeLabel(labels, key)})`,
    );
}

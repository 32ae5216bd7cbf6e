// Pods as a Kubernetes `v1 List`, the document `kubectl get pods -o json|yaml` prints, so tools
// written for kubectl's output (jq filters, yq, scripts) read ours unchanged.
import type { Pod } from "kubernetes-types/core/v1.js";
import { stringify } from "yaml";

/**
 * kubectl prints objects through a generic map, so every object's keys come out sorted; doing
 * the same makes our output diff cleanly against kubectl's.
 */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, item]) => [key, sortKeys(item)]),
  );
}

function podList(pods: readonly Pod[]): unknown {
  return sortKeys({ apiVersion: "v1", kind: "List", items: pods });
}

/** Indented by four spaces, as kubectl's JSON printer does. */
export function formatPodListJson(pods: readonly Pod[]): string {
  return `${JSON.stringify(podList(pods), null, 4)}\n`;
}

/**
 * As kubectl's YAML printer (go-yaml) writes it: sequences flush with their key, and YAML 1.1
 * quoting, so strings a YAML 1.1 reader would take for something else (timestamps, `on`, `no`)
 * stay strings there too.
 */
export function formatPodListYaml(pods: readonly Pod[]): string {
  return stringify(podList(pods), { indentSeq: false, version: "1.1" });
}

// `explain`: where a DaemonSet's pods belong and why not elsewhere, node by node. It asks the
// same placement predicate the DaemonSet controller asks, so the answer is what the controller
// does. Pure: the nodes come from the store (online) or from a file (offline, in the CLI).
import { ManifestError } from "../../agent/pods/manifest-error.js";
import { nodeShouldRunDaemonPod } from "../placement/index.js";
import type { DaemonSetObject, NodeObject, PodObject } from "../store/index.js";
import { documentLabel, validDaemonSet } from "./daemonset-manifest.js";
import { parseManifestDocuments } from "./manifest-documents.js";
import { nodeFromIntent, validNode } from "./node-manifest.js";
import type { NodeDecision } from "./types.js";

/**
 * The one DaemonSet a manifest holds, validated as `apply` validates it. Other kinds are passed
 * over: real manifests bundle a DaemonSet with its ServiceAccount and RBAC objects.
 */
export function daemonSetToExplain(manifest: string): DaemonSetObject {
  const daemonSets = parseManifestDocuments(manifest).filter(
    (document) => document.value["kind"] === "DaemonSet",
  );
  const [document] = daemonSets;
  if (document === undefined || daemonSets.length > 1) {
    throw new ManifestError("manifest", [
      { reason: `holds ${daemonSets.length} DaemonSets; explain takes exactly one` },
    ]);
  }
  return validDaemonSet(document).object;
}

/** v1 Nodes from documents or a v1 List, as `get nodes -o yaml` prints them. */
export function nodesFromManifest(manifest: string): NodeObject[] {
  return parseManifestDocuments(manifest).map((document) => {
    if (document.value["kind"] !== "Node") {
      throw new ManifestError(documentLabel(document, String(document.value["kind"] ?? "object")), [
        { fieldPath: "kind", reason: "must be Node" },
      ]);
    }
    return nodeFromIntent(validNode(document));
  });
}

export function explainPlacement(
  daemonSet: DaemonSetObject,
  nodes: readonly NodeObject[],
): NodeDecision[] {
  const podSpec = daemonSet.spec?.template.spec ?? { containers: [] };
  return nodes
    .map((node) => {
      const decision = nodeShouldRunDaemonPod(node, podSpec);
      return {
        node: node.metadata.name ?? "",
        shouldRun: decision.shouldRun,
        shouldContinueRunning: decision.shouldContinueRunning,
        reasons: decision.reasons.map(({ code, message }) => `${code}: ${message}`),
      };
    })
    .sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
}

/**
 * Adds what the nodes said about the DaemonSet's pods: a pod a node rejected (Failed with a
 * reason, such as OutOfcpu from resource admission) is why the DaemonSet is not available there
 * even where it should run. `pods` are the DaemonSet's pods, as stored.
 */
export function withNodeRejections(
  decisions: readonly NodeDecision[],
  pods: readonly PodObject[],
): NodeDecision[] {
  return decisions.map((d) => {
    const rejected = pods.find(
      (p) => p.spec?.nodeName === d.node && p.status?.phase === "Failed" && p.status.reason,
    );
    return rejected
      ? { ...d, nodeRejection: `${rejected.status?.reason}: ${rejected.status?.message ?? ""}` }
      : d;
  });
}

// `daemonlet top nodes|pods|ds`: what the fleet uses, from the figures agents report to the hub.
import type { Node, Pod } from "kubernetes-types/core/v1.js";
import type { HubClient } from "../hub/api/index.js";
import { isNodeMetrics, isPodMetrics } from "../hub/usage/metrics-objects.js";
import { UsageError, succeeded, type CommandResult } from "./command-result.js";
import { renderTopDaemonSets, renderTopNodes, renderTopPods } from "./format/top-output.js";

export interface TopOptions {
  type: string;
  namespace?: string;
  allNamespaces?: boolean;
}

const TYPES: Record<string, "nodes" | "pods" | "ds"> = {
  node: "nodes",
  nodes: "nodes",
  no: "nodes",
  pod: "pods",
  pods: "pods",
  po: "pods",
  ds: "ds",
  daemonset: "ds",
  daemonsets: "ds",
};

const NO_FIGURES = "error: metrics not available yet\n";

export async function runTop(client: HubClient, options: TopOptions): Promise<CommandResult> {
  const type = TYPES[options.type.toLowerCase()];
  if (type === undefined) {
    throw new UsageError(`top takes nodes, pods or ds, not ${JSON.stringify(options.type)}`);
  }
  const scope = {
    ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
    allNamespaces: options.allNamespaces ?? false,
  };
  if (type === "nodes") {
    const [nodes, metrics] = await Promise.all([
      client.list({ kind: "Node" }),
      client.listMetrics({ kind: "NodeMetrics" }),
    ]);
    return succeeded(renderTopNodes(nodes.items as Node[], metrics.filter(isNodeMetrics)));
  }
  const metrics = (await client.listMetrics({ kind: "PodMetrics", ...scope })).filter(isPodMetrics);
  // As kubectl top: no figures at all is an error, not an empty table.
  if (metrics.length === 0) return { stdout: "", stderr: NO_FIGURES, exitCode: 1 };
  if (type === "pods") return succeeded(renderTopPods(metrics, scope.allNamespaces));
  const pods = await client.list({ kind: "Pod", ...scope });
  return succeeded(renderTopDaemonSets(pods.items as Pod[], metrics, scope.allNamespaces));
}

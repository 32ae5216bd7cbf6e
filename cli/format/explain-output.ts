// What `daemonlet explain` prints: a table an operator reads, or JSON a script reads.
import type { NodeDecision } from "../../hub/api/index.js";
import type { RenderedOutput } from "./node-pods-output.js";
import { formatTable } from "./tab-table.js";

export type ExplainFormat = "table" | "json";

function shouldRun(decision: NodeDecision): string {
  // The placement rules say yes, but the node turned the pod away (resource admission).
  if (decision.shouldRun && decision.nodeRejection) return "yes (rejected by node)";
  if (decision.shouldRun) return "yes";
  // A NoSchedule taint that arrived after the pod keeps new pods off but leaves this one.
  return decision.shouldContinueRunning ? "no (keeps a running pod)" : "no";
}

export function renderExplain(
  decisions: readonly NodeDecision[],
  format: ExplainFormat,
): RenderedOutput {
  if (format === "json") {
    const plain = decisions.map(
      ({ node, shouldRun, shouldContinueRunning, reasons, nodeRejection }) => ({
        node,
        shouldRun,
        shouldContinueRunning,
        reasons,
        ...(nodeRejection === undefined ? {} : { nodeRejection }),
      }),
    );
    return { stdout: `${JSON.stringify(plain, null, 2)}\n`, stderr: "" };
  }
  if (decisions.length === 0) return { stdout: "", stderr: "No nodes to place on\n" };
  return {
    stdout: formatTable([
      ["NODE", "SHOULD-RUN", "REASONS"],
      ...decisions.map((d) => [
        d.node,
        shouldRun(d),
        [...d.reasons, ...(d.nodeRejection ? [d.nodeRejection] : [])].join("; ") || "<none>",
      ]),
    ]),
    stderr: "",
  };
}

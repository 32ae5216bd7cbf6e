// `daemonlet node pods` as a table, column for column what `kubectl get pods` prints.
import type { Pod } from "kubernetes-types/core/v1.js";
import { age } from "./duration.js";
import { summarizePod } from "./pod-summary.js";
import { formatTable } from "./tab-table.js";

const COLUMNS = ["NAME", "READY", "STATUS", "RESTARTS", "AGE"];
// kubectl's wide output also has NOMINATED NODE and READINESS GATES, which only a scheduler and
// Kubernetes readiness gates fill in; an agent has neither.
const WIDE_COLUMNS = [...COLUMNS, "IP", "NODE"];

function row(pod: Pod, wide: boolean, now: Date): string[] {
  const { ready, status, restarts } = summarizePod(pod, now);
  const cells = [
    pod.metadata?.name ?? "",
    ready,
    status,
    restarts,
    age(pod.metadata?.creationTimestamp, now),
  ];
  if (wide) cells.push(pod.status?.podIP || "<none>", pod.spec?.nodeName || "<none>");
  return cells;
}

export function formatPodTable(
  pods: readonly Pod[],
  { wide, now }: { wide: boolean; now: Date },
): string {
  return formatTable([wide ? WIDE_COLUMNS : COLUMNS, ...pods.map((pod) => row(pod, wide, now))]);
}

// The columns of `get pods`, the same cells `daemonlet node pods` prints (pod-summary), so a pod
// reads alike through the hub and through its node's agent.
import type { Pod } from "kubernetes-types/core/v1.js";
import { age } from "./duration.js";
import { summarizePod } from "./pod-summary.js";
import type { Column } from "./resource-table.js";

export const POD_COLUMNS: readonly Column<Pod>[] = [
  { header: "NAME", cell: (pod) => pod.metadata?.name ?? "" },
  { header: "READY", cell: (pod, now) => summarizePod(pod, now).ready },
  { header: "STATUS", cell: (pod, now) => summarizePod(pod, now).status },
  { header: "RESTARTS", cell: (pod, now) => summarizePod(pod, now).restarts },
  { header: "AGE", cell: (pod, now) => age(pod.metadata?.creationTimestamp, now) },
  { header: "IP", wide: true, cell: (pod) => pod.status?.podIP || "<none>" },
  { header: "NODE", wide: true, cell: (pod) => pod.spec?.nodeName || "<none>" },
];

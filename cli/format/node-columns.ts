// The columns of `get nodes`, as kubectl's printer (printNode) fills them.
import type { Node } from "kubernetes-types/core/v1.js";
import { age } from "./duration.js";
import type { Column } from "./resource-table.js";

const ROLE_LABEL_PREFIX = "node-role.kubernetes.io/";
const LEGACY_ROLE_LABEL = "kubernetes.io/role";

/**
 * `Ready`, `NotReady` (the Ready condition is False or Unknown) or `Unknown` (no Ready
 * condition yet), plus `,SchedulingDisabled` when cordoned.
 */
export function nodeStatus(node: Node): string {
  const ready = node.status?.conditions?.find((c) => c.type === "Ready");
  const status = ready === undefined ? "Unknown" : ready.status === "True" ? "Ready" : "NotReady";
  return node.spec?.unschedulable ? `${status},SchedulingDisabled` : status;
}

/** From `node-role.kubernetes.io/<role>` and `kubernetes.io/role` labels, sorted; `<none>`. */
export function nodeRoles(node: Node): string {
  const roles = new Set<string>();
  for (const [key, value] of Object.entries(node.metadata?.labels ?? {})) {
    if (key.startsWith(ROLE_LABEL_PREFIX) && key.length > ROLE_LABEL_PREFIX.length) {
      roles.add(key.slice(ROLE_LABEL_PREFIX.length));
    } else if (key === LEGACY_ROLE_LABEL && value !== "") {
      roles.add(value);
    }
  }
  return roles.size > 0 ? [...roles].sort().join(",") : "<none>";
}

function address(node: Node, type: string): string {
  return node.status?.addresses?.find((a) => a.type === type)?.address ?? "<none>";
}

const orUnknown = (value: string | undefined) => value || "<unknown>";

export const NODE_COLUMNS: readonly Column<Node>[] = [
  { header: "NAME", cell: (node) => node.metadata?.name ?? "" },
  { header: "STATUS", cell: nodeStatus },
  { header: "ROLES", cell: nodeRoles },
  { header: "AGE", cell: (node, now) => age(node.metadata?.creationTimestamp, now) },
  { header: "VERSION", cell: (node) => node.status?.nodeInfo?.kubeletVersion ?? "" },
  { header: "INTERNAL-IP", wide: true, cell: (node) => address(node, "InternalIP") },
  { header: "EXTERNAL-IP", wide: true, cell: (node) => address(node, "ExternalIP") },
  { header: "OS-IMAGE", wide: true, cell: (node) => orUnknown(node.status?.nodeInfo?.osImage) },
  {
    header: "KERNEL-VERSION",
    wide: true,
    cell: (node) => orUnknown(node.status?.nodeInfo?.kernelVersion),
  },
  {
    header: "CONTAINER-RUNTIME",
    wide: true,
    cell: (node) => orUnknown(node.status?.nodeInfo?.containerRuntimeVersion),
  },
];

// `daemonlet top nodes|pods|ds`: kubectl top's columns, with a bare-metal node's disk and network
// beside them, and per DaemonSet the fleet-wide sum and the largest pod.
import type { Node, Pod } from "kubernetes-types/core/v1.js";
import { parseQuantity } from "../../agent/pods/quantity.js";
import { daemonSetUsage, podTotals } from "../../hub/usage/daemonset-usage.js";
import type { NodeMetrics, PodMetrics } from "../../hub/usage/metrics-objects.js";
import { formatTable } from "./tab-table.js";
import { formatCpu, formatMemory, formatPercent, formatRate } from "./usage-units.js";

const UNKNOWN = "<unknown>";

function allocatable(node: Node, resource: string): number {
  const value = node.status?.allocatable?.[resource];
  return value === undefined ? 0 : parseQuantity(value);
}

/** Every node, with `<unknown>` for those without figures yet, as kubectl shows them. */
export function renderTopNodes(nodes: readonly Node[], metrics: readonly NodeMetrics[]): string {
  const byName = new Map(metrics.map((m) => [m.metadata.name, m]));
  const rows = nodes.map((node) => {
    const name = node.metadata?.name ?? "";
    const m = byName.get(name);
    if (!m) return [name, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN];
    const cpu = parseQuantity(m.usage.cpu);
    const memory = parseQuantity(m.usage.memory);
    const fsUsed = parseQuantity(m.usage["ephemeral-storage"]);
    return [
      name,
      formatCpu(cpu),
      formatPercent(cpu, allocatable(node, "cpu")),
      formatMemory(memory),
      formatPercent(memory, allocatable(node, "memory")),
      formatPercent(fsUsed, m.filesystem.capacityBytes),
      `${formatRate(m.network.rxBytesPerSecond)}/${formatRate(m.network.txBytesPerSecond)}`,
    ];
  });
  return formatTable([
    ["NAME", "CPU(cores)", "CPU(%)", "MEMORY(bytes)", "MEMORY(%)", "DISK(%)", "NET(rx/tx)"],
    ...rows,
  ]);
}

export function renderTopPods(metrics: readonly PodMetrics[], allNamespaces: boolean): string {
  const sorted = [...metrics].sort(
    (a, b) =>
      a.metadata.namespace.localeCompare(b.metadata.namespace) ||
      a.metadata.name.localeCompare(b.metadata.name),
  );
  const rows = sorted.map((m) => {
    const t = podTotals(m);
    const row = [m.metadata.name, formatCpu(t.cpuCores), formatMemory(t.memoryBytes)];
    return allNamespaces ? [m.metadata.namespace, ...row] : row;
  });
  const header = ["NAME", "CPU(cores)", "MEMORY(bytes)"];
  return formatTable([allNamespaces ? ["NAMESPACE", ...header] : header, ...rows]);
}

export function renderTopDaemonSets(
  pods: readonly Pod[],
  metrics: readonly PodMetrics[],
  allNamespaces: boolean,
): string {
  const rows = daemonSetUsage(pods, metrics).map((u) => {
    const row = [
      u.name,
      String(u.pods),
      formatCpu(u.cpuCores),
      formatCpu(u.maxCpuCores),
      formatMemory(u.memoryBytes),
      formatMemory(u.maxMemoryBytes),
    ];
    return allNamespaces ? [u.namespace, ...row] : row;
  });
  const header = ["NAME", "PODS", "CPU(cores)", "CPU(max)", "MEMORY(bytes)", "MEMORY(max)"];
  return formatTable([allNamespaces ? ["NAMESPACE", ...header] : header, ...rows]);
}

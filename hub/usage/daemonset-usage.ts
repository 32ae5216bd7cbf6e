// What each DaemonSet costs across the fleet: its pods' cpu and memory summed, and the largest
// single pod's (the figure a node's budget must allow for). Pure; shared by `top ds` and the
// hub's /metrics.
import type { Pod } from "kubernetes-types/core/v1.js";
import { parseQuantity } from "../../agent/pods/quantity.js";
import type { PodMetrics } from "./metrics-objects.js";

export interface PodTotals {
  cpuCores: number;
  memoryBytes: number;
}

export interface DaemonSetUsage {
  namespace: string;
  name: string;
  /** Pods with figures. */
  pods: number;
  cpuCores: number;
  memoryBytes: number;
  maxCpuCores: number;
  maxMemoryBytes: number;
}

export function podTotals(metrics: PodMetrics): PodTotals {
  return metrics.containers.reduce(
    (t, c) => ({
      cpuCores: t.cpuCores + parseQuantity(c.usage.cpu),
      memoryBytes: t.memoryBytes + parseQuantity(c.usage.memory),
    }),
    { cpuCores: 0, memoryBytes: 0 },
  );
}

function daemonSetOf(pod: Pod): string | undefined {
  return pod.metadata?.ownerReferences?.find((o) => o.kind === "DaemonSet" && o.controller)?.name;
}

/** Pods are matched to their figures by namespace and name; ordered by namespace, then name. */
export function daemonSetUsage(
  pods: readonly Pod[],
  metrics: readonly PodMetrics[],
): DaemonSetUsage[] {
  const figures = new Map(metrics.map((m) => [`${m.metadata.namespace}/${m.metadata.name}`, m]));
  const byDaemonSet = new Map<string, DaemonSetUsage>();
  for (const pod of pods) {
    const ds = daemonSetOf(pod);
    const namespace = pod.metadata?.namespace ?? "default";
    const m = figures.get(`${namespace}/${pod.metadata?.name ?? ""}`);
    if (ds === undefined || m === undefined) continue;
    const key = `${namespace}/${ds}`;
    const t = podTotals(m);
    const u = byDaemonSet.get(key) ?? {
      namespace,
      name: ds,
      pods: 0,
      cpuCores: 0,
      memoryBytes: 0,
      maxCpuCores: 0,
      maxMemoryBytes: 0,
    };
    byDaemonSet.set(key, {
      ...u,
      pods: u.pods + 1,
      cpuCores: u.cpuCores + t.cpuCores,
      memoryBytes: u.memoryBytes + t.memoryBytes,
      maxCpuCores: Math.max(u.maxCpuCores, t.cpuCores),
      maxMemoryBytes: Math.max(u.maxMemoryBytes, t.memoryBytes),
    });
  }
  return [...byDaemonSet.values()].sort(
    (a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name),
  );
}

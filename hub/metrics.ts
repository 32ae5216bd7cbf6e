import { Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { DaemonSetObject, NodeObject, PodObject, Store } from "./store/index.js";
import type { AgentGateway } from "./gateway/gateway.js";
import type { UsageStore } from "./usage/usage-store.js";
import { daemonSetUsage, type DaemonSetUsage } from "./usage/daemonset-usage.js";

const DAEMONSET_STATUS_FIELDS = {
  desired: "desiredNumberScheduled",
  current: "currentNumberScheduled",
  ready: "numberReady",
  updated: "updatedNumberScheduled",
  available: "numberAvailable",
  unavailable: "numberUnavailable",
  misscheduled: "numberMisscheduled",
} as const;

/**
 * The hub's Prometheus metrics, read from the store at scrape time so they can never drift from
 * it. `daemonlet_daemonset_pods{state="desired"} - …{state="available"} > 0` is the alert for a
 * DaemonSet that does not run everywhere it should.
 */
export function hubMetrics(
  store: Store,
  gateway: () => AgentGateway | undefined,
  usage?: UsageStore,
): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "daemonlet_hub_" });
  new Gauge({
    name: "daemonlet_hub_connected_agents",
    help: "Agents with an open session to this hub.",
    registers: [registry],
    collect() {
      this.set(gateway()?.connectedNodes().length ?? 0);
    },
  });
  new Gauge({
    name: "daemonlet_nodes",
    help: "Nodes by their Ready condition (True, False, Unknown).",
    labelNames: ["ready"],
    registers: [registry],
    collect() {
      this.reset();
      const counts = new Map<string, number>([
        ["True", 0],
        ["False", 0],
        ["Unknown", 0],
      ]);
      for (const node of store.list<NodeObject>("Node").items) {
        const ready = node.status?.conditions?.find((c) => c.type === "Ready")?.status ?? "Unknown";
        counts.set(ready, (counts.get(ready) ?? 0) + 1);
      }
      for (const [ready, n] of counts) this.set({ ready }, n);
    },
  });
  new Gauge({
    name: "daemonlet_daemonset_pods",
    help: "DaemonSet status counters by state (desired, current, ready, updated, available, unavailable, misscheduled).",
    labelNames: ["namespace", "daemonset", "state"],
    registers: [registry],
    collect() {
      this.reset();
      for (const ds of store.list<DaemonSetObject>("DaemonSet").items) {
        for (const [state, field] of Object.entries(DAEMONSET_STATUS_FIELDS)) {
          this.set(
            {
              namespace: ds.metadata.namespace ?? "default",
              daemonset: ds.metadata.name ?? "",
              state,
            },
            ds.status?.[field] ?? 0,
          );
        }
      }
    },
  });
  new Gauge({
    name: "daemonlet_node_conditions",
    help: "Nodes by condition (Ready, MemoryPressure, DiskPressure, PIDPressure) and status.",
    labelNames: ["condition", "status"],
    registers: [registry],
    collect() {
      this.reset();
      const counts = new Map<string, number>();
      for (const condition of ["Ready", "MemoryPressure", "DiskPressure", "PIDPressure"]) {
        for (const status of ["True", "False", "Unknown"]) counts.set(`${condition}/${status}`, 0);
      }
      for (const node of store.list<NodeObject>("Node").items) {
        for (const c of node.status?.conditions ?? []) {
          const key = `${c.type}/${c.status}`;
          counts.set(key, (counts.get(key) ?? 0) + 1);
        }
      }
      for (const [key, n] of counts) {
        const [condition = "", status = ""] = key.split("/");
        this.set({ condition, status }, n);
      }
    },
  });
  if (usage) registerUsageMetrics(registry, store, usage);
  return registry;
}

/** What each DaemonSet's pods use across the fleet: the sum and the largest single pod. */
function registerUsageMetrics(registry: Registry, store: Store, usage: UsageStore): void {
  const current = () => daemonSetUsage(store.list<PodObject>("Pod").items, usage.podMetrics());
  const gauge = (
    name: string,
    help: string,
    sum: (u: DaemonSetUsage) => number,
    max: (u: DaemonSetUsage) => number,
  ) =>
    new Gauge({
      name,
      help,
      labelNames: ["namespace", "daemonset", "aggregation"],
      registers: [registry],
      collect() {
        this.reset();
        for (const u of current()) {
          const ds = { namespace: u.namespace, daemonset: u.name };
          this.set({ ...ds, aggregation: "sum" }, sum(u));
          this.set({ ...ds, aggregation: "max" }, max(u));
        }
      },
    });
  gauge(
    "daemonlet_daemonset_cpu_usage_cores",
    "CPU used by a DaemonSet's pods, summed over its nodes (aggregation=sum) or its busiest pod (max).",
    (u) => u.cpuCores,
    (u) => u.maxCpuCores,
  );
  gauge(
    "daemonlet_daemonset_memory_usage_bytes",
    "Memory working set of a DaemonSet's pods, summed over its nodes (aggregation=sum) or its largest pod (max).",
    (u) => u.memoryBytes,
    (u) => u.maxMemoryBytes,
  );
}

/** The DaemonSet controller's sync latency, observed by the controller. */
export function daemonSetSyncHistogram(registry: Registry): Histogram {
  return new Histogram({
    name: "daemonlet_daemonset_sync_duration_seconds",
    help: "Time the DaemonSet controller takes to reconcile one DaemonSet.",
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
}

import { Gauge, Registry, collectDefaultMetrics } from "prom-client";
import type { DaemonSetObject, NodeObject, Store } from "./store/index.js";
import type { AgentGateway } from "./gateway/gateway.js";

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
export function hubMetrics(store: Store, gateway: () => AgentGateway | undefined): Registry {
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
  return registry;
}

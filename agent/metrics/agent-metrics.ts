// The agent's Prometheus metrics. prom-client is loaded at the first scrape, not at start: an
// agent nobody scrapes does not carry it (≈12 MB here). Counters and histograms therefore count
// from the first scrape on, which Prometheus takes as any counter's start.
import type { NodeCondition, Pod } from "kubernetes-types/core/v1.js";

export interface AgentMetricsSource {
  pods(): Pod[];
  conditions(): NodeCondition[];
  hubConnected(): boolean;
}

type PromClient = typeof import("./prom-client.js");

interface Built {
  registry: import("prom-client").Registry;
  steps: import("prom-client").Histogram;
  relists: import("prom-client").Histogram;
  probes: import("prom-client").Counter;
}

const POD_PHASES = ["Pending", "Running", "Succeeded", "Failed", "Unknown"];

export class AgentMetrics {
  private built?: Built;
  private building?: Promise<Built>;

  constructor(private readonly source: AgentMetricsSource) {}

  observeStep(step: string, seconds: number, ok: boolean): void {
    this.built?.steps.observe({ step, result: ok ? "ok" : "failed" }, seconds);
  }

  observeRelist(seconds: number, ok: boolean): void {
    this.built?.relists.observe({ result: ok ? "ok" : "failed" }, seconds);
  }

  countProbe(probe: string, result: string): void {
    this.built?.probes.inc({ probe, result });
  }

  async scrape(): Promise<{ contentType: string; body: string }> {
    const built = (this.built ??= await (this.building ??= this.build()));
    return { contentType: built.registry.contentType, body: await built.registry.metrics() };
  }

  private async build(): Promise<Built> {
    const prom: PromClient = await import("./prom-client.js");
    const registry = new prom.Registry();
    const registers = [registry];
    const source = this.source;
    prom.collectDefaultMetrics({ register: registry, prefix: "daemonlet_agent_" });
    new prom.Gauge({
      name: "daemonlet_agent_pods",
      help: "Pods on this node by phase (static and hub-assigned, rejected ones included).",
      labelNames: ["phase"],
      registers,
      collect() {
        const counts = new Map(POD_PHASES.map((p) => [p, 0]));
        for (const pod of source.pods()) {
          const phase = pod.status?.phase ?? "Pending";
          counts.set(phase, (counts.get(phase) ?? 0) + 1);
        }
        for (const [phase, n] of counts) this.set({ phase }, n);
      },
    });
    new prom.Counter({
      name: "daemonlet_agent_container_restarts_total",
      help: "Restarts of each container of the node's pods, as in its status.",
      labelNames: ["namespace", "pod", "container"],
      registers,
      collect() {
        this.reset();
        for (const pod of source.pods()) {
          for (const c of pod.status?.containerStatuses ?? []) {
            this.inc(
              {
                namespace: pod.metadata?.namespace ?? "default",
                pod: pod.metadata?.name ?? "",
                container: c.name,
              },
              c.restartCount,
            );
          }
        }
      },
    });
    new prom.Gauge({
      name: "daemonlet_agent_node_condition",
      help: "The node's conditions as this agent measures them: 1 for the status it has.",
      labelNames: ["condition", "status"],
      registers,
      collect() {
        this.reset();
        for (const c of source.conditions()) {
          for (const status of ["True", "False", "Unknown"]) {
            this.set({ condition: c.type, status }, c.status === status ? 1 : 0);
          }
        }
      },
    });
    new prom.Gauge({
      name: "daemonlet_agent_hub_connected",
      help: "1 while the agent has a session with its hub.",
      registers,
      collect() {
        this.set(source.hubConnected() ? 1 : 0);
      },
    });
    return {
      registry,
      steps: new prom.Histogram({
        name: "daemonlet_agent_pod_step_duration_seconds",
        help: "Time to carry out one step of a pod's sync (create, start, kill, remove, …).",
        labelNames: ["step", "result"],
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
        registers,
      }),
      relists: new prom.Histogram({
        name: "daemonlet_agent_relist_duration_seconds",
        help: "Time to list the node's containers from the engine (the kubelet's PLEG relist).",
        labelNames: ["result"],
        buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
        registers,
      }),
      probes: new prom.Counter({
        name: "daemonlet_agent_probe_results_total",
        help: "Probe runs by probe kind (liveness, readiness, startup) and result.",
        labelNames: ["probe", "result"],
        registers,
      }),
    };
  }
}

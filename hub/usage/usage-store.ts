// The hub's latest usage figures per node, as agents report them. In memory only, like
// metrics-server: figures are minutes old at most, and every agent sends all of them again when
// it reconnects to a restarted hub.
import type { PodUsage, UsageReport } from "../../proto/hub-agent-frames.js";
import {
  METRICS_API_VERSION,
  bytesQuantity,
  cpuQuantity,
  type NodeMetrics,
  type PodMetrics,
} from "./metrics-objects.js";

interface NodeEntry {
  report: Omit<UsageReport, "pods" | "goneUids" | "full">;
  pods: Map<string, PodUsage>;
}

export class UsageStore {
  private readonly byNode = new Map<string, NodeEntry>();

  apply(nodeName: string, report: UsageReport): void {
    const { pods, goneUids, full, ...rest } = report;
    const entry = this.byNode.get(nodeName);
    const held = full || !entry ? new Map<string, PodUsage>() : entry.pods;
    for (const uid of goneUids) held.delete(uid);
    for (const pod of pods) held.set(pod.uid, pod);
    this.byNode.set(nodeName, { report: rest, pods: held });
  }

  /** The node was deleted: its figures go with it. */
  forget(nodeName: string): void {
    this.byNode.delete(nodeName);
  }

  nodeMetrics(): NodeMetrics[] {
    return [...this.byNode].map(([name, { report }]) => ({
      apiVersion: METRICS_API_VERSION,
      kind: "NodeMetrics",
      metadata: { name },
      timestamp: report.time,
      window: `${report.windowSeconds}s`,
      usage: {
        cpu: cpuQuantity(report.node.cpuNanoCores),
        memory: bytesQuantity(report.node.memoryWorkingSetBytes),
        "ephemeral-storage": bytesQuantity(report.node.fsUsedBytes),
      },
      network: {
        rxBytesPerSecond: report.node.networkRxBytesPerSecond,
        txBytesPerSecond: report.node.networkTxBytesPerSecond,
      },
      filesystem: {
        availableBytes: report.node.fsAvailableBytes,
        capacityBytes: report.node.fsCapacityBytes,
      },
    }));
  }

  podMetrics(): PodMetrics[] {
    return [...this.byNode].flatMap(([node, { report, pods }]) =>
      [...pods.values()].map((p): PodMetrics => ({
        apiVersion: METRICS_API_VERSION,
        kind: "PodMetrics",
        metadata: { name: p.name, namespace: p.namespace || "default", uid: p.uid },
        timestamp: report.time,
        window: `${report.windowSeconds}s`,
        node,
        containers: p.containers.map((c) => ({
          name: c.name,
          usage: {
            cpu: cpuQuantity(c.cpuNanoCores),
            memory: bytesQuantity(c.memoryWorkingSetBytes),
          },
        })),
      })),
    );
  }
}

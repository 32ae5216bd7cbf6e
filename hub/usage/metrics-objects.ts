// Usage as the Kubernetes metrics API (metrics.k8s.io/v1beta1) shapes it, NodeMetrics and
// PodMetrics, so `-o json` reads as kubectl users know it. Two additions where a bare-metal node
// has more to say: usage["ephemeral-storage"] (the engine data root's used bytes) and `network`.
import type { KubeObject } from "../store/index.js";

export const METRICS_API_VERSION = "metrics.k8s.io/v1beta1";

export interface NodeMetrics extends KubeObject {
  kind: "NodeMetrics";
  metadata: { name: string };
  timestamp: string;
  /** e.g. "10s": the period rates are averaged over. */
  window: string;
  usage: { cpu: string; memory: string; "ephemeral-storage": string };
  network: { rxBytesPerSecond: number; txBytesPerSecond: number };
  /** The data root filesystem's free and total bytes. */
  filesystem: { availableBytes: number; capacityBytes: number };
}

export interface ContainerMetrics {
  name: string;
  usage: { cpu: string; memory: string };
}

export interface PodMetrics extends KubeObject {
  kind: "PodMetrics";
  metadata: { name: string; namespace: string; uid: string };
  timestamp: string;
  window: string;
  /** The node the pod runs on (not in metrics.k8s.io: there a pod's node is looked up). */
  node: string;
  containers: ContainerMetrics[];
}

/** Quantities as the metrics API writes them: nanocores and kibibytes. */
export const cpuQuantity = (nanoCores: number) => `${Math.round(nanoCores)}n`;
export const bytesQuantity = (bytes: number) => `${Math.round(bytes / 1024)}Ki`;

export function isNodeMetrics(o: KubeObject): o is NodeMetrics {
  return o.kind === "NodeMetrics";
}

export function isPodMetrics(o: KubeObject): o is PodMetrics {
  return o.kind === "PodMetrics";
}

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Node } from "kubernetes-types/core/v1.js";
import type { NodeMetrics, PodMetrics } from "../../hub/usage/metrics-objects.js";
import { renderTopDaemonSets, renderTopNodes, renderTopPods } from "./top-output.js";

const nodes: Node[] = [
  { metadata: { name: "web1" }, status: { allocatable: { cpu: "2", memory: "4Gi" } } },
  { metadata: { name: "web2" }, status: { allocatable: { cpu: "2", memory: "4Gi" } } },
];

const web1: NodeMetrics = {
  apiVersion: "metrics.k8s.io/v1beta1",
  kind: "NodeMetrics",
  metadata: { name: "web1" },
  timestamp: "2024-05-06T12:00:00Z",
  window: "10s",
  usage: { cpu: "500000000n", memory: "1048576Ki", "ephemeral-storage": "10485760Ki" },
  network: { rxBytesPerSecond: 1536, txBytesPerSecond: 20 },
  filesystem: { availableBytes: 30 * 2 ** 30, capacityBytes: 40 * 2 ** 30 },
};

function podMetrics(namespace: string, name: string, cpu: string, memory: string): PodMetrics {
  return {
    apiVersion: "metrics.k8s.io/v1beta1",
    kind: "PodMetrics",
    metadata: { name, namespace, uid: name },
    timestamp: "2024-05-06T12:00:00Z",
    window: "10s",
    node: "web1",
    containers: [{ name: "c", usage: { cpu, memory } }],
  };
}

describe("top", () => {
  it("nodes: kubectl's columns against allocatable, disk and network beside them", () => {
    assert.equal(
      renderTopNodes(nodes, [web1]),
      `NAME   CPU(cores)   CPU(%)      MEMORY(bytes)   MEMORY(%)   DISK(%)     NET(rx/tx)
web1   500m         25%         1024Mi          25%         25%         1.5KiB/s/20B/s
web2   <unknown>    <unknown>   <unknown>       <unknown>   <unknown>   <unknown>
`,
    );
  });

  it("pods: summed over containers, with the namespace across namespaces", () => {
    const metrics = [
      podMetrics("b", "y", "1000000n", "2048Ki"),
      podMetrics("a", "x", "250000000n", "65536Ki"),
    ];
    assert.equal(
      renderTopPods(metrics, true),
      `NAMESPACE   NAME   CPU(cores)   MEMORY(bytes)
a           x      250m         64Mi
b           y      1m           2Mi
`,
    );
  });

  it("ds: the fleet-wide sum and the largest pod", () => {
    const owner = [
      { apiVersion: "apps/v1", kind: "DaemonSet", name: "tail", uid: "u", controller: true },
    ];
    const pods = ["t1", "t2"].map((name) => ({
      metadata: { name, namespace: "default", ownerReferences: owner },
    }));
    const metrics = [
      podMetrics("default", "t1", "2000000n", "10240Ki"),
      podMetrics("default", "t2", "6000000n", "20480Ki"),
    ];
    assert.equal(
      renderTopDaemonSets(pods, metrics, false),
      `NAME   PODS   CPU(cores)   CPU(max)   MEMORY(bytes)   MEMORY(max)
tail   2      8m           6m         30Mi            20Mi
`,
    );
  });
});

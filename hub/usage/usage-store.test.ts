import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { PodUsage, UsageReport } from "../../proto/hub-agent-frames.js";
import { UsageStore } from "./usage-store.js";
import { daemonSetUsage } from "./daemonset-usage.js";

const node = {
  cpuNanoCores: 500_000_000,
  memoryWorkingSetBytes: 2 ** 30,
  memoryAvailableBytes: 3 * 2 ** 30,
  fsUsedBytes: 10 * 2 ** 30,
  fsAvailableBytes: 30 * 2 ** 30,
  fsCapacityBytes: 40 * 2 ** 30,
  networkRxBytesPerSecond: 1000,
  networkTxBytesPerSecond: 10,
};

function pod(name: string, cpuMillis: number, memoryMiB: number): PodUsage {
  return {
    uid: `uid-${name}`,
    namespace: "logging",
    name,
    containers: [
      { name: "c", cpuNanoCores: cpuMillis * 1e6, memoryWorkingSetBytes: memoryMiB * 2 ** 20 },
    ],
  };
}

function report(pods: PodUsage[], extra: Partial<UsageReport> = {}): UsageReport {
  return {
    time: "2024-05-06T12:00:00Z",
    windowSeconds: 10,
    node,
    pods,
    goneUids: [],
    full: false,
    ...extra,
  };
}

const names = (store: UsageStore) => store.podMetrics().map((m) => `${m.node}/${m.metadata.name}`);

describe("usage store", () => {
  it("keeps the latest figures per node as metrics.k8s.io objects", () => {
    const store = new UsageStore();
    store.apply("n1", report([pod("tail-n1", 3, 20)], { full: true }));
    const [n1] = store.nodeMetrics();
    assert.deepEqual(n1?.usage, {
      cpu: "500000000n",
      memory: "1048576Ki",
      "ephemeral-storage": "10485760Ki",
    });
    assert.equal(n1?.window, "10s");
    const [p] = store.podMetrics();
    assert.deepEqual(p?.metadata, { name: "tail-n1", namespace: "logging", uid: "uid-tail-n1" });
    assert.deepEqual(p?.containers, [{ name: "c", usage: { cpu: "3000000n", memory: "20480Ki" } }]);
  });

  it("applies deltas and gone pods; a full report replaces the node's pods", () => {
    const store = new UsageStore();
    store.apply("n1", report([pod("a", 1, 1), pod("b", 1, 1)], { full: true }));
    store.apply("n1", report([pod("c", 1, 1)], { goneUids: ["uid-a"] }));
    assert.deepEqual(names(store), ["n1/b", "n1/c"]);
    store.apply("n1", report([pod("d", 1, 1)], { full: true }));
    assert.deepEqual(names(store), ["n1/d"]);
    store.apply("n2", report([pod("e", 1, 1)], { full: true }));
    store.forget("n1");
    assert.deepEqual(names(store), ["n2/e"]);
  });

  it("sums a DaemonSet over its nodes and finds its largest pod", () => {
    const store = new UsageStore();
    store.apply("n1", report([pod("tail-a", 3, 20)], { full: true }));
    store.apply("n2", report([pod("tail-b", 5, 10), pod("other", 100, 100)], { full: true }));
    const owned = (name: string) => ({
      metadata: {
        name,
        namespace: "logging",
        ownerReferences: [
          { apiVersion: "apps/v1", kind: "DaemonSet", name: "tail", uid: "ds", controller: true },
        ],
      },
    });
    const usage = daemonSetUsage(
      [owned("tail-a"), owned("tail-b"), { metadata: { name: "other", namespace: "logging" } }],
      store.podMetrics(),
    );
    assert.equal(usage.length, 1);
    const [tail] = usage;
    assert.equal(tail?.name, "tail");
    assert.equal(tail?.pods, 2);
    assert.ok(Math.abs((tail?.cpuCores ?? 0) - 0.008) < 1e-9);
    assert.ok(Math.abs((tail?.maxCpuCores ?? 0) - 0.005) < 1e-9);
    assert.equal(tail?.memoryBytes, 30 * 2 ** 20);
    assert.equal(tail?.maxMemoryBytes, 20 * 2 ** 20);
  });
});

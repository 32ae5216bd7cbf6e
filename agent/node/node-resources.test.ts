import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { nodeResources } from "./node-resources.js";
import { DEFAULT_PRESSURE_THRESHOLDS } from "./thresholds.js";

const GiB = 2 ** 30;
const machine = { cpus: 4, memoryBytes: 16 * GiB, nodefsBytes: 100 * GiB, maxPods: 110 };

describe("node resources", () => {
  it("with no reservations, allocatable is capacity less the hard pressure thresholds", () => {
    const r = nodeResources(machine, [], DEFAULT_PRESSURE_THRESHOLDS);
    assert.deepEqual(r.capacity, {
      cpu: "4",
      memory: "16777216Ki",
      "ephemeral-storage": "104857600Ki",
      pods: "110",
    });
    assert.deepEqual(r.allocatable, {
      cpu: "4",
      memory: `${16 * 1024 * 1024 - 100 * 1024}Ki`,
      "ephemeral-storage": "94371840Ki",
      pods: "110",
    });
    assert.equal(r.allocatableAmounts.cpuMillis, 4000);
  });

  it("takes system and agent reservations off, as kubelet's system- and kube-reserved", () => {
    const r = nodeResources(
      machine,
      [
        { cpu: "500m", memory: "1Gi" },
        { cpu: "250m", "ephemeral-storage": "10Gi" },
      ],
      { ...DEFAULT_PRESSURE_THRESHOLDS, "memory.available": "0" },
    );
    assert.equal(r.allocatable["cpu"], "3250m");
    assert.equal(r.allocatable["memory"], `${15 * 1024 * 1024}Ki`);
    assert.equal(r.allocatable["ephemeral-storage"], `${80 * 1024 * 1024}Ki`);
    assert.deepEqual(r.allocatableAmounts, { cpuMillis: 3250, memoryBytes: 15 * GiB, pods: 110 });
  });

  it("never goes below zero", () => {
    const r = nodeResources(machine, [{ cpu: "8" }], DEFAULT_PRESSURE_THRESHOLDS);
    assert.equal(r.allocatable["cpu"], "0");
  });
});

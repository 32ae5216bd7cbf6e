import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { admit, podRequests } from "./admission.js";

const node = { cpuMillis: 2000, memoryBytes: 4 * 2 ** 30, pods: 110 };
const none = { cpuMillis: 0, memoryBytes: 0, pods: 0 };

describe("pod requests", () => {
  it("sums the app containers, taking limits where requests are unset", () => {
    assert.deepEqual(
      podRequests({
        containers: [
          { name: "a", resources: { requests: { cpu: "250m", memory: "64Mi" } } },
          { name: "b", resources: { limits: { cpu: "1", memory: "1Gi" } } },
          { name: "c" },
        ],
      }),
      { cpuMillis: 1250, memoryBytes: 64 * 2 ** 20 + 2 ** 30, pods: 1 },
    );
  });

  it("takes the largest init container when it asks for more than the app", () => {
    assert.deepEqual(
      podRequests({
        initContainers: [{ name: "i", resources: { requests: { cpu: "2", memory: "1Mi" } } }],
        containers: [{ name: "a", resources: { requests: { cpu: "100m", memory: "10Mi" } } }],
      }),
      { cpuMillis: 2000, memoryBytes: 10 * 2 ** 20, pods: 1 },
    );
  });
});

describe("admission", () => {
  it("admits what fits beside what is admitted", () => {
    assert.equal(admit({ cpuMillis: 1000, memoryBytes: 0, pods: 1 }, none, node), undefined);
    assert.equal(
      admit({ cpuMillis: 1000, memoryBytes: 0, pods: 1 }, { ...none, cpuMillis: 1000 }, node),
      undefined,
    );
  });

  it("rejects in the kubelet's words, naming the resource and the figures", () => {
    assert.deepEqual(
      admit({ cpuMillis: 3000, memoryBytes: 0, pods: 1 }, { ...none, cpuMillis: 100 }, node),
      {
        reason: "OutOfcpu",
        message:
          "Pod was rejected: Node didn't have enough resource: cpu, requested: 3000, used: 100, capacity: 2000",
      },
    );
    assert.equal(
      admit({ cpuMillis: 0, memoryBytes: 5 * 2 ** 30, pods: 1 }, none, node)?.reason,
      "OutOfmemory",
    );
    assert.equal(
      admit({ cpuMillis: 0, memoryBytes: 0, pods: 1 }, { ...none, pods: 110 }, node)?.reason,
      "OutOfpods",
    );
  });

  it("never rejects a pod that requests nothing of a full resource but pods", () => {
    assert.equal(
      admit({ cpuMillis: 0, memoryBytes: 0, pods: 1 }, { ...none, cpuMillis: 5000 }, node),
      undefined,
    );
  });
});

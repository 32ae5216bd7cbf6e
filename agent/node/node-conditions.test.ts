import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { conditionsChanged, nodeConditions, type NodeSignals } from "./node-conditions.js";
import { DEFAULT_PRESSURE_THRESHOLDS } from "./thresholds.js";

const MiB = 2 ** 20;
const healthy: NodeSignals = {
  memoryAvailableBytes: 2000 * MiB,
  memoryTotalBytes: 4000 * MiB,
  nodefsAvailableBytes: 50_000 * MiB,
  nodefsTotalBytes: 100_000 * MiB,
  pidAvailable: 30_000,
  pidMax: 32_768,
};
const t0 = new Date("2024-05-06T12:00:00Z");
const t1 = new Date("2024-05-06T12:00:10Z");

const statusOf = (conditions: { type: string; status: string }[]) =>
  Object.fromEntries(conditions.map((c) => [c.type, c.status]));

describe("node conditions", () => {
  it("a healthy node: no pressure, Ready", () => {
    const c = nodeConditions(healthy, DEFAULT_PRESSURE_THRESHOLDS, [], t0);
    assert.deepEqual(statusOf(c), {
      MemoryPressure: "False",
      DiskPressure: "False",
      PIDPressure: "False",
      Ready: "True",
    });
    assert.ok(c.every((x) => x.lastTransitionTime === t0.toISOString() && x.reason && x.message));
  });

  it("each signal below its threshold is pressure, with the kubelet-like reason", () => {
    const c = nodeConditions(
      {
        ...healthy,
        memoryAvailableBytes: 50 * MiB,
        nodefsAvailableBytes: 9_000 * MiB,
        pidAvailable: 100,
      },
      DEFAULT_PRESSURE_THRESHOLDS,
      [],
      t0,
    );
    assert.deepEqual(statusOf(c), {
      MemoryPressure: "True",
      DiskPressure: "True",
      PIDPressure: "True",
      Ready: "True",
    });
    assert.equal(c[0]?.reason, "AgentHasInsufficientMemory");
    assert.match(c[0]?.message ?? "", /memory.available 50Mi, threshold 100Mi/);
  });

  it("a raised threshold turns a healthy node into one under pressure", () => {
    const c = nodeConditions(
      healthy,
      { ...DEFAULT_PRESSURE_THRESHOLDS, "memory.available": "90%" },
      [],
      t0,
    );
    assert.equal(statusOf(c)["MemoryPressure"], "True");
  });

  it("an engine that does not answer makes the node not Ready, saying why", () => {
    const c = nodeConditions(
      { ...healthy, runtimeProblem: "connect ENOENT /var/run/docker.sock" },
      DEFAULT_PRESSURE_THRESHOLDS,
      [],
      t0,
    );
    const ready = c.find((x) => x.type === "Ready");
    assert.equal(ready?.status, "False");
    assert.equal(ready?.message, "container runtime is down: connect ENOENT /var/run/docker.sock");
  });

  it("keeps the transition time while the status holds, and moves it when it changes", () => {
    const first = nodeConditions(healthy, DEFAULT_PRESSURE_THRESHOLDS, [], t0);
    const same = nodeConditions(
      { ...healthy, memoryAvailableBytes: 1900 * MiB },
      DEFAULT_PRESSURE_THRESHOLDS,
      first,
      t1,
    );
    assert.ok(same.every((c) => c.lastTransitionTime === t0.toISOString()));
    assert.equal(conditionsChanged(first, same), false);
    const pressed = nodeConditions(
      { ...healthy, memoryAvailableBytes: MiB },
      DEFAULT_PRESSURE_THRESHOLDS,
      first,
      t1,
    );
    assert.equal(
      pressed.find((c) => c.type === "MemoryPressure")?.lastTransitionTime,
      t1.toISOString(),
    );
    assert.equal(
      pressed.find((c) => c.type === "DiskPressure")?.lastTransitionTime,
      t0.toISOString(),
    );
    assert.equal(conditionsChanged(first, pressed), true);
  });
});

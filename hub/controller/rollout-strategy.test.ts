import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { DaemonSet, DaemonSetUpdateStrategy } from "kubernetes-types/apps/v1.js";
import { isPaused, rolloutStrategy, scaledValue } from "./rollout-strategy.js";

const ds = (updateStrategy?: DaemonSetUpdateStrategy, annotations?: Record<string, string>) =>
  ({
    metadata: { name: "x", annotations },
    spec: { selector: {}, template: {}, updateStrategy },
  }) as DaemonSet;

describe("scaledValue", () => {
  const cases: [number | string, number, boolean, number][] = [
    [3, 10, false, 3],
    [3, 10, true, 3],
    ["25%", 10, true, 3],
    ["25%", 10, false, 2],
    ["10%", 5, false, 0],
    ["10%", 5, true, 1],
    ["100%", 7, false, 7],
    ["0%", 7, true, 0],
    ["50%", 0, true, 0],
    ["33%", 3, false, 0],
    ["34%", 3, false, 1],
  ];
  for (const [value, total, up, want] of cases) {
    it(`${JSON.stringify(value)} of ${total} rounding ${up ? "up" : "down"} is ${want}`, () =>
      assert.equal(scaledValue(value, total, up), want));
  }
});

describe("rolloutStrategy", () => {
  const cases: {
    name: string;
    strategy?: DaemonSetUpdateStrategy;
    desired: number;
    want: unknown;
  }[] = [
    {
      name: "defaults: RollingUpdate, maxUnavailable 1, maxSurge 0",
      desired: 4,
      want: { type: "RollingUpdate", maxUnavailable: 1, maxSurge: 0 },
    },
    {
      name: "RollingUpdate without rollingUpdate has the defaults",
      strategy: { type: "RollingUpdate" },
      desired: 4,
      want: { type: "RollingUpdate", maxUnavailable: 1, maxSurge: 0 },
    },
    {
      name: "OnDelete",
      strategy: { type: "OnDelete" },
      desired: 4,
      want: { type: "OnDelete" },
    },
    {
      name: "percentages: unavailability rounds down",
      strategy: { rollingUpdate: { maxUnavailable: "30%" } },
      desired: 10,
      want: { type: "RollingUpdate", maxUnavailable: 3, maxSurge: 0 },
    },
    {
      name: "percentages: surge rounds up",
      strategy: { rollingUpdate: { maxUnavailable: 0, maxSurge: "25%" } },
      desired: 5,
      want: { type: "RollingUpdate", maxUnavailable: 0, maxSurge: 2 },
    },
    {
      name: "both rounding to zero: one node may be unavailable",
      strategy: { rollingUpdate: { maxUnavailable: "10%", maxSurge: 0 } },
      desired: 5,
      want: { type: "RollingUpdate", maxUnavailable: 1, maxSurge: 0 },
    },
    {
      name: "a small surge percentage still surges one node",
      strategy: { rollingUpdate: { maxUnavailable: 0, maxSurge: "1%" } },
      desired: 5,
      want: { type: "RollingUpdate", maxUnavailable: 0, maxSurge: 1 },
    },
    {
      name: "no nodes: still not both zero",
      strategy: { rollingUpdate: { maxUnavailable: "50%" } },
      desired: 0,
      want: { type: "RollingUpdate", maxUnavailable: 1, maxSurge: 0 },
    },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(rolloutStrategy(ds(c.strategy), c.desired), c.want));
  }
});

describe("isPaused", () => {
  it("only the annotation set to true pauses", () => {
    assert.equal(isPaused(ds(undefined, { "daemonlet.io/paused": "true" })), true);
    assert.equal(isPaused(ds(undefined, { "daemonlet.io/paused": "false" })), false);
    assert.equal(isPaused(ds()), false);
  });
});

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
  const cases: [number | string, number, number][] = [
    [3, 10, 3],
    ["25%", 10, 3],
    ["10%", 5, 1],
    ["100%", 7, 7],
    ["0%", 7, 0],
    ["50%", 0, 0],
    ["33%", 3, 1],
    ["34%", 3, 2],
  ];
  for (const [value, total, want] of cases) {
    it(`${JSON.stringify(value)} of ${total} is ${want}`, () =>
      assert.equal(scaledValue(value, total), want));
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
      name: "percentages: unavailability rounds up, as Kubernetes does for DaemonSets",
      strategy: { rollingUpdate: { maxUnavailable: "30%" } },
      desired: 9,
      want: { type: "RollingUpdate", maxUnavailable: 3, maxSurge: 0 },
    },
    {
      name: "percentages: surge rounds up",
      strategy: { rollingUpdate: { maxUnavailable: 0, maxSurge: "25%" } },
      desired: 5,
      want: { type: "RollingUpdate", maxUnavailable: 0, maxSurge: 2 },
    },
    {
      name: "a small unavailability percentage still lets one node go",
      strategy: { rollingUpdate: { maxUnavailable: "10%", maxSurge: 0 } },
      desired: 5,
      want: { type: "RollingUpdate", maxUnavailable: 1, maxSurge: 0 },
    },
    {
      name: "both zero: one node may be unavailable",
      strategy: { rollingUpdate: { maxUnavailable: "0%", maxSurge: "0%" } },
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

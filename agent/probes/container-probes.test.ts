import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ContainerProbeState } from "./container-probes.js";
import { failure, success } from "./probe-result.js";
import type { ProbeKind, ProbeSpec } from "./probe-spec.js";

const START = new Date("2024-05-01T10:00:00Z");
const at = (seconds: number) => new Date(START.getTime() + seconds * 1000);

function probe(kind: ProbeKind, fields: Partial<ProbeSpec> = {}): ProbeSpec {
  return {
    kind,
    handler: { type: "exec", command: ["true"] },
    initialDelaySeconds: 0,
    periodSeconds: 10,
    timeoutSeconds: 1,
    successThreshold: 1,
    failureThreshold: 3,
    ...fields,
  };
}

/** Runs as `kind:S` or `kind:F`, e.g. "startup:F readiness:S". */
function apply(state: ContainerProbeState, runs: string): boolean[] {
  return runs
    .split(" ")
    .filter(Boolean)
    .map((run) => {
      const [kind, outcome] = run.split(":") as [ProbeKind, string];
      return state.record(kind, outcome === "S" ? success() : failure(`${kind} broke`));
    });
}

describe("ContainerProbeState: status", () => {
  const rows: [string, ProbeSpec[], string, { ready: boolean; started: boolean }][] = [
    ["no probes: ready and started once running", [], "", { ready: true, started: true }],
    ["readiness starts unready", [probe("readiness")], "", { ready: false, started: true }],
    [
      "readiness follows a success",
      [probe("readiness")],
      "readiness:S",
      { ready: true, started: true },
    ],
    [
      "readiness goes unready after failureThreshold failures",
      [probe("readiness")],
      "readiness:S readiness:F readiness:F readiness:F",
      { ready: false, started: true },
    ],
    ["liveness alone: ready at once", [probe("liveness")], "", { ready: true, started: true }],
    [
      "startup: not started before it passes",
      [probe("startup")],
      "",
      { ready: false, started: false },
    ],
    [
      "startup: started once it passes",
      [probe("startup")],
      "startup:S",
      { ready: true, started: true },
    ],
    [
      "startup passed, readiness not yet",
      [probe("startup"), probe("readiness")],
      "startup:S",
      { ready: false, started: true },
    ],
    [
      "startup and readiness passed",
      [probe("startup"), probe("readiness")],
      "startup:S readiness:S",
      { ready: true, started: true },
    ],
  ];
  for (const [name, specs, runs, expected] of rows) {
    it(name, () => {
      const state = new ContainerProbeState(specs, START);
      apply(state, runs);
      assert.deepEqual(state.status(), expected);
    });
  }
});

describe("ContainerProbeState: liveness", () => {
  it("reports a failure after failureThreshold failures, in the kubelet's words", () => {
    const state = new ContainerProbeState([probe("liveness", { failureThreshold: 2 })], START);
    assert.deepEqual(apply(state, "liveness:F liveness:F"), [false, true]);
    assert.deepEqual(state.status().livenessFailed, {
      probe: "liveness",
      message: "Liveness probe failed: liveness broke",
    });
  });

  it("reports a startup failure the same way, with the probe's grace period", () => {
    const startup = probe("startup", { failureThreshold: 1, terminationGracePeriodSeconds: 4 });
    const state = new ContainerProbeState([startup, probe("liveness")], START);
    apply(state, "startup:F");
    assert.deepEqual(state.status(), {
      ready: false,
      started: false,
      livenessFailed: {
        probe: "startup",
        message: "Startup probe failed: startup broke",
        gracePeriodSeconds: 4,
      },
    });
  });

  it("says nothing changed for failures below the threshold", () => {
    const state = new ContainerProbeState([probe("liveness")], START);
    assert.deepEqual(apply(state, "liveness:F liveness:F liveness:S"), [false, false, false]);
    assert.equal(state.status().livenessFailed, undefined);
  });
});

describe("ContainerProbeState: which probes run", () => {
  const rows: [string, ProbeSpec[], string, number, Record<ProbeKind, boolean>][] = [
    [
      "nothing before the initial delay, counted from the container's start",
      [
        probe("liveness", { initialDelaySeconds: 5 }),
        probe("readiness", { initialDelaySeconds: 5 }),
      ],
      "",
      4,
      { startup: false, liveness: false, readiness: false },
    ],
    [
      "everything configured after the initial delay",
      [
        probe("liveness", { initialDelaySeconds: 5 }),
        probe("readiness", { initialDelaySeconds: 5 }),
      ],
      "",
      5,
      { startup: false, liveness: true, readiness: true },
    ],
    [
      "startup holds liveness and readiness",
      [probe("startup"), probe("liveness"), probe("readiness")],
      "",
      0,
      { startup: true, liveness: false, readiness: false },
    ],
    [
      "a passed startup probe is not run again and releases the others",
      [probe("startup"), probe("liveness"), probe("readiness")],
      "startup:S",
      0,
      { startup: false, liveness: true, readiness: true },
    ],
    [
      "a liveness failure stops liveness, readiness goes on",
      [probe("liveness", { failureThreshold: 1 }), probe("readiness")],
      "liveness:F",
      0,
      { startup: false, liveness: false, readiness: true },
    ],
    [
      "a startup failure stops startup and holds the others",
      [probe("startup", { failureThreshold: 1 }), probe("liveness"), probe("readiness")],
      "startup:F",
      0,
      { startup: false, liveness: false, readiness: false },
    ],
  ];
  for (const [name, specs, runs, seconds, expected] of rows) {
    it(name, () => {
      const state = new ContainerProbeState(specs, START);
      apply(state, runs);
      const kinds: ProbeKind[] = ["startup", "liveness", "readiness"];
      const actual = Object.fromEntries(kinds.map((k) => [k, state.shouldRun(k, at(seconds))]));
      assert.deepEqual(actual, expected);
    });
  }

  it("puts the first run at the container's start plus the initial delay", () => {
    const state = new ContainerProbeState([probe("readiness", { initialDelaySeconds: 7 })], START);
    assert.deepEqual(state.firstRunAt("readiness"), at(7));
    assert.equal(state.firstRunAt("liveness"), undefined);
  });
});

describe("ContainerProbeState: change reports", () => {
  it("reports flips of ready and started, not runs that change neither", () => {
    const state = new ContainerProbeState(
      [probe("startup"), probe("readiness", { failureThreshold: 1 })],
      START,
    );
    assert.deepEqual(
      apply(state, "startup:S readiness:S readiness:S readiness:F readiness:F readiness:S"),
      [true, true, false, true, false, true],
    );
  });
});

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { EventCorrelator } from "./event-correlator.js";
import type { EventObject } from "./store/index.js";

let serial = 0;
function event(message: string, reason = "SuccessfulCreate"): EventObject {
  return {
    apiVersion: "v1",
    kind: "Event",
    metadata: { name: `fluentd.${serial++}`, namespace: "default" },
    involvedObject: { kind: "DaemonSet", namespace: "default", name: "fluentd", uid: "u1" },
    reason,
    message,
    type: "Normal",
    count: 1,
    firstTimestamp: "2026-01-01T00:00:00Z",
    lastTimestamp: "2026-01-01T00:00:00Z",
    source: { component: "daemonset-controller" },
  };
}

const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, seconds));

describe("EventCorrelator", () => {
  it("records nine similar events as they are, then combines the rest into one counted event", () => {
    const c = new EventCorrelator();
    const out = Array.from({ length: 25 }, (_, i) =>
      c.correlate(event(`Created pod: p${i}`), at(i)),
    );
    const names = new Set(out.map((e) => e.metadata.name));
    assert.equal(names.size, 10);
    for (const e of out.slice(0, 9)) assert.equal(e.count, 1);
    const combined = out.slice(9);
    assert.ok(combined.every((e) => e.metadata.name === combined[0]!.metadata.name));
    assert.deepEqual(
      combined.map((e) => e.count),
      Array.from({ length: 16 }, (_, i) => i + 1),
    );
    assert.equal(out.at(-1)!.message, "(combined from similar events): Created pod: p24");
  });

  it("bumps the count of an identical event and keeps its name and first timestamp", () => {
    const c = new EventCorrelator();
    const first = c.correlate({ ...event("Node a status is now: NodeReady") }, at(0));
    const again = c.correlate(
      { ...event("Node a status is now: NodeReady"), firstTimestamp: "2026-01-01T00:00:05Z" },
      at(5),
    );
    assert.equal(again.metadata.name, first.metadata.name);
    assert.equal(again.count, 2);
    assert.equal(again.firstTimestamp, first.firstTimestamp);
  });

  it("keeps events of another reason, or after ten quiet minutes, apart", () => {
    const c = new EventCorrelator();
    for (let i = 0; i < 9; i++) c.correlate(event(`Created pod: p${i}`), at(i));
    assert.equal(c.correlate(event("Deleted pod: p0", "SuccessfulDelete"), at(10)).count, 1);
    const later = c.correlate(event("Created pod: p9"), at(10 + 601));
    assert.equal(later.message, "Created pod: p9");
  });
});

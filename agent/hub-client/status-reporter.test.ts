import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Pod } from "kubernetes-types/core/v1.js";
import { StatusReporter } from "./status-reporter.js";

function pod(name: string, phase: string, extra: Partial<Pod> = {}): Pod {
  return { metadata: { name, uid: `uid-${name}` }, status: { phase }, ...extra };
}

const names = (pods: Pod[] | undefined) => pods?.map((p) => p.metadata?.name);

describe("status reporter", () => {
  it("sends a pod once, then again only when its status or metadata changes", () => {
    const reporter = new StatusReporter();
    reporter.observe([pod("a", "Pending"), pod("b", "Pending")]);
    assert.deepEqual(names(reporter.changes()?.pods), ["a", "b"]);
    assert.equal(reporter.changes(), undefined, "nothing new");

    reporter.observe([pod("a", "Pending"), pod("b", "Running")]);
    assert.deepEqual(names(reporter.changes()?.pods), ["b"]);

    const terminating = pod("a", "Pending");
    terminating.metadata = { ...terminating.metadata, deletionTimestamp: "2024-05-01T10:00:00Z" };
    reporter.observe([terminating, pod("b", "Running")]);
    assert.deepEqual(names(reporter.changes()?.pods), ["a"]);
  });

  it("counts a condition's transition time as a change", () => {
    const reporter = new StatusReporter();
    const at = (time: string): Pod =>
      pod("a", "Running", {
        status: {
          phase: "Running",
          conditions: [{ type: "Ready", status: "True", lastTransitionTime: time }],
        },
      });
    reporter.observe([at("2024-05-01T10:00:00Z")]);
    reporter.changes();
    reporter.observe([at("2024-05-01T10:00:05Z")]);
    assert.deepEqual(names(reporter.changes()?.pods), ["a"]);
  });

  it("reports a pod that went, once", () => {
    const reporter = new StatusReporter();
    reporter.observe([pod("a", "Running"), pod("b", "Running")]);
    reporter.changes();
    reporter.observe([pod("a", "Running")]);
    assert.deepEqual(reporter.changes(), { pods: [], goneUids: ["uid-b"] });
    assert.equal(reporter.changes(), undefined);
  });

  it("resends everything on a resync, with what went since the last report", () => {
    const reporter = new StatusReporter();
    reporter.observe([pod("a", "Running"), pod("b", "Running")]);
    reporter.changes();
    // Disconnected meanwhile: b went, and no delta could be sent.
    reporter.observe([pod("a", "Running"), pod("c", "Pending")]);
    const full = reporter.everything();
    assert.deepEqual(names(full.pods), ["a", "c"]);
    assert.deepEqual(full.goneUids, ["uid-b"]);
    assert.equal(reporter.changes(), undefined);
  });

  it("leaves out pods without a uid", () => {
    const reporter = new StatusReporter();
    reporter.observe([{ metadata: { name: "nameless" }, status: { phase: "Running" } }]);
    assert.deepEqual(reporter.everything(), { pods: [], goneUids: [] });
  });
});

describe("StatusReporter.gone", () => {
  it("reports a pod gone that was never sent, once", () => {
    const reporter = new StatusReporter();
    reporter.observe([]);
    reporter.gone("never-sent");
    assert.deepEqual(reporter.changes()?.goneUids, ["never-sent"]);
    assert.equal(reporter.changes(), undefined);
  });

  it("reports a sent pod gone at once, even before the next observe", () => {
    const reporter = new StatusReporter();
    reporter.observe([{ metadata: { uid: "u1" }, status: { phase: "Running" } }]);
    assert.equal(reporter.changes()?.pods.length, 1);
    reporter.gone("u1");
    assert.deepEqual(reporter.changes(), { pods: [], goneUids: ["u1"] });
  });
});

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { PodUsage } from "../../proto/hub-agent-frames.js";
import { UsageReporter } from "./usage-reporter.js";

function pod(uid: string, cpuMillis: number, memoryMiB: number): PodUsage {
  return {
    uid,
    namespace: "default",
    name: uid,
    containers: [
      { name: "c", cpuNanoCores: cpuMillis * 1e6, memoryWorkingSetBytes: memoryMiB * 2 ** 20 },
    ],
  };
}

const uids = (pods: PodUsage[]) => pods.map((p) => p.uid);

describe("usage reporter", () => {
  it("sends new pods, then only those whose figures moved beyond jitter", () => {
    const r = new UsageReporter();
    assert.deepEqual(uids(r.changes([pod("a", 100, 50), pod("b", 10, 5)], false).pods), ["a", "b"]);
    // 2 millicores and 100 KiB are jitter; 40 millicores on 100 is news.
    assert.deepEqual(uids(r.changes([pod("a", 102, 50.1), pod("b", 10, 5)], false).pods), []);
    assert.deepEqual(uids(r.changes([pod("a", 140, 50), pod("b", 10, 5)], false).pods), ["a"]);
    assert.deepEqual(uids(r.changes([pod("a", 140, 50), pod("b", 10, 40)], false).pods), ["b"]);
  });

  it("reports pods gone, and everything when asked for a full report", () => {
    const r = new UsageReporter();
    r.changes([pod("a", 100, 50), pod("b", 10, 5)], false);
    assert.deepEqual(r.changes([pod("a", 100, 50)], false), { pods: [], goneUids: ["b"] });
    assert.deepEqual(uids(r.changes([pod("a", 100, 50)], true).pods), ["a"]);
    r.reset();
    assert.deepEqual(uids(r.changes([pod("a", 100, 50)], false).pods), ["a"]);
  });
});

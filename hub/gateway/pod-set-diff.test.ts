import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { diffPodSet, isEmptyDiff, podHash } from "./pod-set-diff.js";
import { assignedPod } from "./testing/memory-backend.js";

const a = assignedPod("web1", "a");
const b = assignedPod("web1", "b");
const bRelabelled = { ...b, labels: { app: "b", tier: "2" } };
const sentAB = new Map([
  [a.uid, podHash(a)],
  [b.uid, podHash(b)],
]);

describe("pod set diff", () => {
  const cases: [string, Map<string, string>, (typeof a)[], string[], string[]][] = [
    ["everything is new to an agent that has nothing", new Map(), [a, b], ["a", "b"], []],
    ["nothing when nothing changed", sentAB, [b, a], [], []],
    ["a pod whose labels changed, whole", sentAB, [a, bRelabelled], ["b"], []],
    ["removed pods by uid", sentAB, [b], [], [a.uid]],
    ["everything removed", sentAB, [], [], [a.uid, b.uid]],
  ];
  for (const [what, sent, current, upserted, removed] of cases) {
    it(`sends ${what}`, () => {
      const diff = diffPodSet(sent, current);
      assert.deepEqual(
        diff.upserts.map((p) => p.name),
        upserted,
      );
      assert.deepEqual(diff.removedUids, removed);
      assert.equal(isEmptyDiff(diff), upserted.length === 0 && removed.length === 0);
      assert.deepEqual(diffPodSet(diff.next, current).upserts, [], "applied, it leaves nothing");
    });
  }

  it("hashes equal pods the same and a relabelled one differently", () => {
    assert.equal(podHash({ ...a, labels: { ...a.labels } }), podHash(a));
    assert.notEqual(podHash(bRelabelled), podHash(b));
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { podContinuity } from "./pod-continuity.js";

const pod = (uid: string, phase = "Running") => ({ uid, nodeName: `n-${uid}`, phase });

describe("podContinuity", () => {
  it("counts every pod kept when nothing changed", () => {
    assert.deepEqual(podContinuity([pod("a"), pod("b")], [pod("b"), pod("a")]), {
      kept: 2,
      lost: 0,
      created: 0,
      notRunning: 0,
    });
  });
  it("tells a recreated pod from a kept one", () => {
    assert.deepEqual(podContinuity([pod("a"), pod("b")], [pod("a"), pod("c", "Pending")]), {
      kept: 1,
      lost: 1,
      created: 1,
      notRunning: 1,
    });
  });
});

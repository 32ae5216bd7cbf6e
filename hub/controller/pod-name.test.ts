import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { freshPodName, randomSuffix } from "./pod-name.js";

describe("freshPodName", () => {
  it("draws five characters of Kubernetes's alphabet", () => {
    assert.match(
      freshPodName("tailer", () => false),
      /^tailer-[bcdfghjklmnpqrstvwxz2456789]{5}$/,
    );
    assert.match(randomSuffix(), /^[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it("draws again while the name is taken", () => {
    const draws = ["aaaaa", "bbbbb", "ccccc"];
    const taken = new Set(["ds-aaaaa", "ds-bbbbb"]);
    assert.equal(
      freshPodName(
        "ds",
        (n) => taken.has(n),
        () => draws.shift() ?? "zzzzz",
      ),
      "ds-ccccc",
    );
  });

  it("gives up with a clear error when every draw is taken", () => {
    assert.throws(
      () =>
        freshPodName(
          "ds",
          () => true,
          () => "aaaaa",
        ),
      /no free pod name for ds after 16 draws/,
    );
  });
});

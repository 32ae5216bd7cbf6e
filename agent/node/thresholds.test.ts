import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ThresholdError, parseThreshold, thresholdAmount } from "./thresholds.js";

describe("pressure thresholds", () => {
  it("reads percentages and quantities", () => {
    assert.deepEqual(parseThreshold("10%"), { percent: 10 });
    assert.deepEqual(parseThreshold("2.5%"), { percent: 2.5 });
    assert.deepEqual(parseThreshold("100Mi"), { amount: 100 * 2 ** 20 });
    assert.deepEqual(parseThreshold("500"), { amount: 500 });
    assert.equal(thresholdAmount({ percent: 10 }, 2000), 200);
    assert.equal(thresholdAmount({ amount: 7 }, 2000), 7);
  });

  it("refuses what is neither, naming the value", () => {
    for (const bad of ["150%", "-1", "lots", "10 %"]) {
      assert.throws(
        () => parseThreshold(bad),
        (e: unknown) => e instanceof ThresholdError && e.message.includes(bad),
      );
    }
  });
});

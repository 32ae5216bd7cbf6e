import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isQuantityError, parseQuantity } from "./quantity.js";

describe("parseQuantity", () => {
  const valid: [string | number, number][] = [
    ["500m", 0.5],
    ["100m", 0.1],
    ["300m", 0.3],
    ["1", 1],
    ["0.5", 0.5],
    [".5", 0.5],
    ["2.", 2],
    ["+2", 2],
    ["-1", -1],
    ["0", 0],
    ["128Mi", 128 * 2 ** 20],
    ["1Gi", 2 ** 30],
    ["1.5Gi", 1.5 * 2 ** 30],
    ["1Ki", 1024],
    ["1Ti", 2 ** 40],
    ["1Ei", 2 ** 60],
    ["1k", 1000],
    ["1M", 1e6],
    ["1G", 1e9],
    ["1T", 1e12],
    ["1P", 1e15],
    ["1E", 1e18],
    ["1e3", 1000],
    ["1E3", 1000],
    ["2e-3", 0.002],
    ["1e+2", 100],
    ["100u", 0.0001],
    ["100n", 1e-7],
    [1, 1],
    [0.25, 0.25],
  ];
  for (const [input, expected] of valid) {
    it(`reads ${JSON.stringify(input)} as ${expected}`, () => {
      assert.equal(parseQuantity(input), expected);
    });
  }

  const invalid = [
    "",
    "abc",
    "1 Gi",
    " 1",
    "1gi",
    "1KI",
    "1.2.3",
    "e3",
    "1e",
    "1Mb",
    "--1",
    "0x10",
    ".",
  ];
  for (const input of invalid) {
    it(`refuses ${JSON.stringify(input)} with a clear error`, () => {
      assert.throws(
        () => parseQuantity(input),
        (err: unknown) =>
          isQuantityError(err) &&
          err.message.startsWith(`${JSON.stringify(input)} is not a valid quantity`),
      );
    });
  }

  it("refuses non-finite numbers", () => {
    assert.throws(() => parseQuantity(Number.POSITIVE_INFINITY), isQuantityError);
    assert.throws(() => parseQuantity("1e400"), isQuantityError);
  });
});

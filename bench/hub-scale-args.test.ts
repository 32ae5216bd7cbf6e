import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFAULT_HUB_SCALE_ARGS, parseHubScaleArgs, splitEvenly } from "./hub-scale-args.js";

describe("parseHubScaleArgs", () => {
  it("defaults to 1 000, 5 000 and 10 000 nodes on two workers", () => {
    assert.deepEqual(parseHubScaleArgs([]), DEFAULT_HUB_SCALE_ARGS);
  });
  it("reads a list of fleet sizes and a worker count", () => {
    assert.deepEqual(parseHubScaleArgs(["--nodes", "1000,5_000", "--workers", "3"]), {
      nodes: [1000, 5000],
      workers: 3,
    });
  });
  it("names what is wrong", () => {
    assert.throws(() => parseHubScaleArgs(["--nodes", "10,x"]), /--nodes: "x" is not a positive/);
    assert.throws(() => parseHubScaleArgs(["--nodes", "0"]), /not a positive whole number/);
    assert.throws(() => parseHubScaleArgs(["--workers"]), /--workers needs a value/);
    assert.throws(() => parseHubScaleArgs(["--node", "5"]), /unknown argument "--node"/);
  });
});

describe("splitEvenly", () => {
  it("splits into nearly equal runs in order", () => {
    assert.deepEqual(splitEvenly([1, 2, 3, 4, 5], 2), [
      [1, 2, 3],
      [4, 5],
    ]);
  });
  it("never makes an empty part", () => {
    assert.deepEqual(splitEvenly([1], 4), [[1]]);
    assert.deepEqual(splitEvenly([], 2), []);
  });
});

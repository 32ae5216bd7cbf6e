import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseLabelArgs, parseTaintArgs } from "./node-edit-args.js";

describe("parseLabelArgs", () => {
  it("reads sets and removals", () => {
    assert.deepEqual(parseLabelArgs(["disk=ssd", "zone-", "empty=", "a/b=c=d"]), {
      set: { disk: "ssd", empty: "", "a/b": "c=d" },
      remove: ["zone"],
    });
  });
  for (const bad of ["disk", "=ssd", "-"]) {
    it(`refuses ${JSON.stringify(bad)}`, () => {
      assert.throws(() => parseLabelArgs([bad]), { message: `invalid label spec: ${bad}` });
    });
  }
  it("needs at least one change", () => {
    assert.throws(() => parseLabelArgs([]), { message: "at least one label update is required" });
  });
});

describe("parseTaintArgs", () => {
  it("reads additions with and without values", () => {
    assert.deepEqual(parseTaintArgs(["dedicated=db:NoSchedule", "maintenance:NoExecute"]), {
      add: [
        { key: "dedicated", value: "db", effect: "NoSchedule" },
        { key: "maintenance", value: "", effect: "NoExecute" },
      ],
      remove: [],
    });
  });
  it("reads removals by key, or by key and effect", () => {
    assert.deepEqual(parseTaintArgs(["dedicated-", "maintenance:NoExecute-", "x=y:NoSchedule-"]), {
      add: [],
      remove: [
        { key: "dedicated" },
        { key: "maintenance", effect: "NoExecute" },
        { key: "x", effect: "NoSchedule" },
      ],
    });
  });
  it("keeps a prefixed key whole", () => {
    assert.deepEqual(parseTaintArgs(["example.com/gpu=true:PreferNoSchedule"]).add, [
      { key: "example.com/gpu", value: "true", effect: "PreferNoSchedule" },
    ]);
  });
  const refusals: [string, string][] = [
    ["dedicated=db", "invalid taint spec: dedicated=db: an effect is required (key=value:Effect)"],
    [
      "dedicated=db:Sometimes",
      'invalid taint spec: dedicated=db:Sometimes: unsupported taint effect "Sometimes" (NoSchedule, PreferNoSchedule or NoExecute)',
    ],
    [":NoSchedule", "invalid taint spec: :NoSchedule"],
  ];
  for (const [spec, message] of refusals) {
    it(`refuses ${spec}`, () => assert.throws(() => parseTaintArgs([spec]), { message }));
  }
});

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { lineDiff } from "./line-diff.js";

describe("lineDiff", () => {
  it("is empty for equal texts", () => assert.equal(lineDiff("a\nb\n", "a\nb\n"), ""));

  it("shows a changed line with its context", () => {
    assert.equal(lineDiff("a\nb\nc\n", "a\nB\nc\n", 1), "  a\n- b\n+ B\n  c\n");
  });

  it("separates distant changes and leaves far context out", () => {
    const before = ["1", "2", "3", "4", "5", "6", "7", "8"].join("\n");
    const after = ["1x", "2", "3", "4", "5", "6", "7", "8x"].join("\n");
    assert.equal(lineDiff(before, after, 1), "- 1\n+ 1x\n  2\n...\n  7\n- 8\n+ 8x\n");
  });

  it("handles additions and removals at the ends", () => {
    assert.equal(lineDiff("", "a\n"), "+ a\n");
    assert.equal(lineDiff("a\nb\n", "b\n"), "- a\n  b\n");
  });
});

import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { NodeDecision } from "../../hub/api/index.js";
import { renderExplain } from "./explain-output.js";

const decisions: NodeDecision[] = [
  {
    node: "db1",
    shouldRun: false,
    shouldContinueRunning: false,
    reasons: [
      "NodeSelectorMismatch: node has no disk label",
      "TaintNotTolerated: taint dedicated=db:NoExecute is not tolerated",
    ],
  },
  { node: "web1", shouldRun: true, shouldContinueRunning: true, reasons: [] },
  {
    node: "web2",
    shouldRun: false,
    shouldContinueRunning: true,
    reasons: ["TaintNotTolerated: taint maintenance:NoSchedule is not tolerated"],
  },
];

describe("renderExplain", () => {
  it("prints a table with every reason", () => {
    assert.deepEqual(renderExplain(decisions, "table"), {
      stdout: [
        "NODE   SHOULD-RUN                 REASONS",
        "db1    no                         NodeSelectorMismatch: node has no disk label; TaintNotTolerated: taint dedicated=db:NoExecute is not tolerated",
        "web1   yes                        <none>",
        "web2   no (keeps a running pod)   TaintNotTolerated: taint maintenance:NoSchedule is not tolerated",
        "",
      ].join("\n"),
      stderr: "",
    });
  });

  it("prints JSON with the documented field names", () => {
    const { stdout } = renderExplain(decisions.slice(1, 2), "json");
    assert.equal(
      stdout,
      '[\n  {\n    "node": "web1",\n    "shouldRun": true,\n    "shouldContinueRunning": true,\n    "reasons": []\n  }\n]\n',
    );
  });

  it("says so when there are no nodes", () => {
    assert.deepEqual(renderExplain([], "table"), { stdout: "", stderr: "No nodes to place on\n" });
    assert.deepEqual(renderExplain([], "json"), { stdout: "[]\n", stderr: "" });
  });
});

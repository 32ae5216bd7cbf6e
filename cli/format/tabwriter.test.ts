import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { tabwrite } from "./tabwriter.js";

describe("tabwrite", () => {
  it("aligns a block of consecutive lines and leaves the last cell unpadded", () => {
    assert.equal(
      tabwrite("Name:\tfluentd\nNamespace:\tkube-system\nSelector:\tname=fluentd\n"),
      "Name:       fluentd\nNamespace:  kube-system\nSelector:   name=fluentd\n",
    );
  });

  it("restarts the widths after a line without a tab", () => {
    assert.equal(
      tabwrite("Name:\tx\nDesired Number of Nodes Scheduled: 1\nPods Status:\t1 Running\n"),
      "Name:  x\nDesired Number of Nodes Scheduled: 1\nPods Status:  1 Running\n",
    );
  });

  it("keeps trailing padding of a tab-terminated empty value, as kubectl prints it", () => {
    assert.equal(
      tabwrite("    Path:\t/var/log\n    HostPathType:\t\n"),
      "    Path:          /var/log\n    HostPathType:  \n",
    );
  });

  it("sizes inner columns per block, as kubectl's event tables show", () => {
    const text =
      "Tolerations:\tnode.kubernetes.io/not-ready:NoExecute op=Exists\n" +
      "\tnode.kubernetes.io/unreachable:NoExecute op=Exists\n" +
      "Events:\n" +
      "  Type\tReason\tAge\tFrom\tMessage\n" +
      "  ----\t------\t----\t----\t-------\n" +
      "  Normal\tSuccessfulCreate\t10s\tdaemonset-controller\tCreated pod: x\n";
    assert.equal(
      tabwrite(text),
      [
        "Tolerations:  node.kubernetes.io/not-ready:NoExecute op=Exists",
        "              node.kubernetes.io/unreachable:NoExecute op=Exists",
        "Events:",
        "  Type    Reason            Age   From                  Message",
        "  ----    ------            ----  ----                  -------",
        "  Normal  SuccessfulCreate  10s   daemonset-controller  Created pod: x",
        "",
      ].join("\n"),
    );
  });

  it("lines a tab-valued Events line up with the block above it", () => {
    assert.equal(
      tabwrite("Node-Selectors:\t<none>\nEvents:\t<none>\n"),
      "Node-Selectors:  <none>\nEvents:          <none>\n",
    );
  });

  it("lets a longer row widen only the columns it shares with its block", () => {
    assert.equal(tabwrite("a\tb\tc\nlonger\td\n"), "a       b  c\nlonger  d\n");
  });
});

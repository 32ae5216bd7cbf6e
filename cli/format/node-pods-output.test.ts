import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Pod } from "kubernetes-types/core/v1.js";
import type { NodePods } from "../../agent/local-api/list-pods-codec.js";
import { renderNodePods } from "./node-pods-output.js";

const now = new Date("2024-05-01T12:00:00Z");

function pod(namespace: string, name: string): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace,
      creationTimestamp: "2024-05-01T11:59:15Z",
      labels: { on: "true" },
    },
    spec: { nodeName: "web1", containers: [{ name: "main", image: "busybox" }] },
    status: { phase: "Pending" },
  };
}

const problems: NodePods["manifestProblems"] = [
  {
    file: "/etc/daemonlet/manifests/proxy.yaml",
    message: "spec.containers[0].image: required",
    keptPod: "proxy-web1",
  },
  { file: "/etc/daemonlet/manifests/nfs.yaml", message: "spec.volumes[0].nfs: not supported" },
];

const warnings = [
  "warning: /etc/daemonlet/manifests/proxy.yaml: spec.containers[0].image: required (still running the last good version as proxy-web1)",
  "warning: /etc/daemonlet/manifests/nfs.yaml: spec.volumes[0].nfs: not supported",
  "",
].join("\n");

describe("renderNodePods", () => {
  it("prints a table sorted by namespace and name, then the manifest problems", () => {
    const result: NodePods = {
      nodeName: "web1",
      pods: [pod("monitoring", "b"), pod("default", "c"), pod("default", "a")],
      manifestProblems: problems,
    };
    assert.deepEqual(renderNodePods(result, "table", now), {
      stdout: [
        "NAME   READY   STATUS    RESTARTS   AGE",
        "a      0/1     Pending   0          45s",
        "c      0/1     Pending   0          45s",
        "b      0/1     Pending   0          45s",
        "",
      ].join("\n"),
      stderr: warnings,
    });
  });

  it("says so on stderr when the node runs nothing", () => {
    const empty: NodePods = { nodeName: "web1", pods: [], manifestProblems: problems };
    for (const format of ["table", "wide"] as const) {
      assert.deepEqual(renderNodePods(empty, format, now), {
        stdout: "",
        stderr: `No resources found on node web1.\n${warnings}`,
      });
    }
  });

  it("prints a v1 List as JSON, keys sorted and indented like kubectl", () => {
    const result: NodePods = {
      nodeName: "web1",
      pods: [pod("default", "a")],
      manifestProblems: [],
    };
    const expected = {
      apiVersion: "v1",
      items: [
        {
          apiVersion: "v1",
          kind: "Pod",
          metadata: {
            creationTimestamp: "2024-05-01T11:59:15Z",
            labels: { on: "true" },
            name: "a",
            namespace: "default",
          },
          spec: { containers: [{ image: "busybox", name: "main" }], nodeName: "web1" },
          status: { phase: "Pending" },
        },
      ],
      kind: "List",
      metadata: { resourceVersion: "" },
    };
    assert.deepEqual(renderNodePods(result, "json", now), {
      stdout: `${JSON.stringify(expected, null, 4)}\n`,
      stderr: "",
    });
  });

  it("prints an empty List rather than a note for JSON", () => {
    const empty: NodePods = { nodeName: "web1", pods: [], manifestProblems: [] };
    assert.equal(
      renderNodePods(empty, "json", now).stdout,
      '{\n    "apiVersion": "v1",\n    "items": [],\n    "kind": "List",\n    "metadata": {\n        "resourceVersion": ""\n    }\n}\n',
    );
  });

  it("prints a v1 List as YAML the way kubectl does", () => {
    const result: NodePods = {
      nodeName: "web1",
      pods: [pod("default", "a")],
      manifestProblems: problems,
    };
    assert.deepEqual(renderNodePods(result, "yaml", now), {
      stdout: [
        "apiVersion: v1",
        "items:",
        "- apiVersion: v1",
        "  kind: Pod",
        "  metadata:",
        '    creationTimestamp: "2024-05-01T11:59:15Z"',
        "    labels:",
        '      "on": "true"',
        "    name: a",
        "    namespace: default",
        "  spec:",
        "    containers:",
        "    - image: busybox",
        "      name: main",
        "    nodeName: web1",
        "  status:",
        "    phase: Pending",
        "kind: List",
        "metadata:",
        '  resourceVersion: ""',
        "",
      ].join("\n"),
      stderr: warnings,
    });
  });
});

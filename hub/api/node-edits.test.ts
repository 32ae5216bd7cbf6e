import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { NodeObject } from "../store/index.js";
import { applyNodeIntent, labelNode, setUnschedulable, taintNode } from "./node-edits.js";
import { isRequestError } from "./request-error.js";

const now = new Date("2024-05-06T12:00:00Z");

const registered: NodeObject = {
  apiVersion: "v1",
  kind: "Node",
  metadata: { name: "web1", labels: { "kubernetes.io/hostname": "web1", zone: "a" } },
  spec: {
    taints: [
      {
        key: "node.kubernetes.io/unreachable",
        effect: "NoExecute",
        timeAdded: "2024-05-06T11:00:00Z",
      },
    ],
  },
  status: { conditions: [{ type: "Ready", status: "Unknown" }] },
};

describe("applyNodeIntent", () => {
  it("adds and changes what the manifest lists and removes nothing", () => {
    const applied = applyNodeIntent(
      registered,
      {
        name: "web1",
        labels: { zone: "b", disk: "ssd" },
        taints: [{ key: "dedicated", value: "db", effect: "NoExecute" }],
        unschedulable: true,
      },
      now,
    );
    assert.deepEqual(applied.metadata.labels, {
      "kubernetes.io/hostname": "web1",
      zone: "b",
      disk: "ssd",
    });
    assert.deepEqual(applied.spec?.taints, [
      {
        key: "node.kubernetes.io/unreachable",
        effect: "NoExecute",
        timeAdded: "2024-05-06T11:00:00Z",
      },
      { key: "dedicated", value: "db", effect: "NoExecute", timeAdded: "2024-05-06T12:00:00Z" },
    ]);
    assert.equal(applied.spec?.unschedulable, true);
    assert.deepEqual(applied.status, registered.status);
  });

  it("keeps a taint's timeAdded when the manifest repeats it unchanged", () => {
    const intent = {
      name: "web1",
      taints: [{ key: "node.kubernetes.io/unreachable", effect: "NoExecute" }],
    };
    assert.deepEqual(applyNodeIntent(registered, intent, now), registered);
  });

  it("creates a node that is not there, without a status", () => {
    assert.deepEqual(applyNodeIntent(undefined, { name: "new", labels: { a: "b" } }, now), {
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: "new", labels: { a: "b" } },
      spec: {},
    });
  });
});

describe("labelNode", () => {
  const label = (set: Record<string, string>, remove: string[], overwrite = false) =>
    labelNode(registered, { name: "web1", set, remove, overwrite });
  const refusedWith = (message: string) => (error: unknown) =>
    isRequestError(error) && error.message === message;

  it("sets and removes, warning about keys that are not there", () => {
    const { node, warnings } = label({ disk: "ssd" }, ["zone", "gone"]);
    assert.deepEqual(node.metadata.labels, { "kubernetes.io/hostname": "web1", disk: "ssd" });
    assert.deepEqual(warnings, ['label "gone" not found.']);
  });

  it("changes an existing key only with overwrite, as kubectl", () => {
    assert.throws(
      () => label({ zone: "b" }, []),
      refusedWith("'zone' already has a value (a), and --overwrite is false"),
    );
    assert.equal(label({ zone: "b" }, [], true).node.metadata.labels?.["zone"], "b");
  });

  it("refuses malformed keys and values and contradictions", () => {
    assert.throws(() => label({ "-x": "y" }, []), refusedWith('invalid label key "-x"'));
    assert.throws(() => label({ x: "-y" }, []), refusedWith('invalid label value: "x=-y"'));
    assert.throws(
      () => label({ x: "y" }, ["x"]),
      refusedWith("can not both modify and remove a label in the same command"),
    );
  });

  it("says the node is not there", () => {
    assert.throws(
      () => labelNode(undefined, { name: "gone", set: {}, remove: [], overwrite: false }),
      {
        name: "NotFoundError",
        message: 'nodes "gone" not found',
      },
    );
  });
});

describe("taintNode", () => {
  const taint = (request: Partial<Parameters<typeof taintNode>[1]>) =>
    taintNode(registered, { name: "web1", add: [], remove: [], overwrite: false, ...request }, now);

  it("adds, stamping NoExecute taints, and removes by key or key and effect", () => {
    const added = taint({ add: [{ key: "gpu", value: "", effect: "NoSchedule" }] });
    assert.deepEqual(added.spec?.taints?.at(-1), { key: "gpu", effect: "NoSchedule" });
    assert.equal(
      taint({ remove: [{ key: "node.kubernetes.io/unreachable" }] }).spec?.taints,
      undefined,
    );
    assert.throws(
      () => taint({ remove: [{ key: "node.kubernetes.io/unreachable", effect: "NoSchedule" }] }),
      {
        message: 'taint "node.kubernetes.io/unreachable:NoSchedule" not found',
      },
    );
  });

  it("replaces a taint of the same key and effect only with overwrite", () => {
    const add = [
      { key: "node.kubernetes.io/unreachable", value: "x", effect: "NoExecute" as const },
    ];
    assert.throws(() => taint({ add }), {
      message:
        "node web1 already has node.kubernetes.io/unreachable taint(s) with same effect(s) and --overwrite is false",
    });
    assert.deepEqual(taint({ add, overwrite: true }).spec?.taints, [
      {
        key: "node.kubernetes.io/unreachable",
        value: "x",
        effect: "NoExecute",
        timeAdded: "2024-05-06T12:00:00Z",
      },
    ]);
  });
});

describe("setUnschedulable", () => {
  it("sets it, and leaves it out when uncordoned, as Kubernetes omits false", () => {
    const cordoned = setUnschedulable(registered, "web1", true);
    assert.equal(cordoned.spec?.unschedulable, true);
    assert.deepEqual(setUnschedulable(cordoned, "web1", false), registered);
  });
});

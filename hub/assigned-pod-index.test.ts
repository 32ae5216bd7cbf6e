import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { join } from "node:path";
import { AssignedPodIndex } from "./assigned-pod-index.js";
import { MIRROR_ANNOTATION } from "./pod-termination.js";
import { openSqliteStore, type SqliteStore } from "./store/index.js";
import { pod, tempDir } from "./store/testing/fixtures.js";

describe("assigned pod index", () => {
  const tmp = tempDir();
  let store: SqliteStore;
  before(() => {
    store = openSqliteStore(join(tmp.dir, "hub"));
  });
  after(() => {
    store.close();
    tmp.remove();
  });

  it("holds each node's live pods and says when what a node is sent changes", () => {
    store.create(pod("before", "n1"));
    const index = new AssignedPodIndex(store);
    const heard: string[] = [];
    index.onChange((node) => heard.push(node));
    assert.deepEqual(
      index.forNode("n1").map((p) => p.name),
      ["before"],
    );

    const created = store.create(pod("web", "n1"));
    assert.deepEqual(heard, ["n1"]);
    assert.deepEqual(
      index
        .forNode("n1")
        .map((p) => p.name)
        .sort(),
      ["before", "web"],
    );

    const running = store.updateStatus({ ...created, status: { phase: "Running" } });
    assert.deepEqual(heard, ["n1"], "a status report changes nothing the node is sent");

    const labelled = store.update({
      ...running,
      metadata: { ...running.metadata, labels: { tier: "web" } },
    });
    assert.deepEqual(heard, ["n1", "n1"]);
    assert.deepEqual(index.forNode("n1").find((p) => p.name === "web")?.labels, { tier: "web" });

    store.update({
      ...labelled,
      metadata: { ...labelled.metadata, deletionTimestamp: "2026-11-23T10:00:00Z" },
    });
    assert.deepEqual(heard, ["n1", "n1", "n1"], "a terminating pod is no longer sent");
    assert.deepEqual(
      index.forNode("n1").map((p) => p.name),
      ["before"],
    );
    assert.deepEqual(
      index.terminatingOn("n1").map((p) => p.metadata?.name),
      ["web"],
    );
    store.delete("Pod", "default", "web");
    assert.deepEqual(index.terminatingOn("n1"), []);
    assert.equal(heard.length, 3, "nor is its removal news");

    store.create({
      ...pod("static-n2", "n2"),
      metadata: {
        name: "static-n2",
        namespace: "default",
        annotations: { [MIRROR_ANNOTATION]: "u" },
      },
    });
    assert.deepEqual(index.forNode("n2"), [], "mirror pods are the node's own");
    index.close();
  });
});

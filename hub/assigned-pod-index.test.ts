import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AssignedPodIndex } from "./assigned-pod-index.js";
import { MIRROR_ANNOTATION } from "./pod-termination.js";
import { pod, tempStore } from "./store/testing/fixtures.js";

describe("assigned pod index", () => {
  const fixture = tempStore();

  it("holds each node's live pods and says when what a node is sent changes", () => {
    fixture.store.create(pod("before", "n1"));
    const index = new AssignedPodIndex(fixture.store);
    const heard: string[] = [];
    index.onChange((node) => heard.push(node));
    assert.deepEqual(
      index.forNode("n1").map((p) => p.name),
      ["before"],
    );

    const created = fixture.store.create(pod("web", "n1"));
    assert.deepEqual(heard, ["n1"]);
    assert.deepEqual(
      index
        .forNode("n1")
        .map((p) => p.name)
        .sort(),
      ["before", "web"],
    );

    const running = fixture.store.updateStatus({ ...created, status: { phase: "Running" } });
    assert.deepEqual(heard, ["n1"], "a status report changes nothing the node is sent");

    const labelled = fixture.store.update({
      ...running,
      metadata: { ...running.metadata, labels: { tier: "web" } },
    });
    assert.deepEqual(heard, ["n1", "n1"]);
    assert.deepEqual(index.forNode("n1").find((p) => p.name === "web")?.labels, { tier: "web" });

    fixture.store.update({
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
    fixture.store.delete("Pod", "default", "web");
    assert.deepEqual(index.terminatingOn("n1"), []);
    assert.equal(heard.length, 3, "nor is its removal news");

    fixture.store.create({
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

import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { openSqliteStore, type NodeObject } from "../store/index.js";
import { node, tempDir } from "../store/testing/fixtures.js";
import { writeWithRetry } from "./write-with-retry.js";

describe("writeWithRetry", () => {
  const { dir, remove } = tempDir();
  const store = openSqliteStore(dir);
  after(() => {
    store.close();
    remove();
  });
  const ref = { kind: "Node" as const, namespace: "", name: "web1" };
  const labelled = (labels: Record<string, string>) => (stored: NodeObject | undefined) =>
    stored === undefined
      ? node("web1", labels)
      : {
          ...stored,
          metadata: { ...stored.metadata, labels: { ...stored.metadata.labels, ...labels } },
        };

  it("creates, then reports an update that changes nothing as unchanged", () => {
    assert.equal(writeWithRetry(store, ref, labelled({ a: "1" })).outcome, "created");
    const before = store.get("Node", "", "web1")?.metadata.resourceVersion;
    const { outcome, object } = writeWithRetry(store, ref, labelled({ a: "1" }));
    assert.equal(outcome, "unchanged");
    assert.equal(object.metadata.resourceVersion, before);
  });

  it("reads again and rebuilds when another writer got there first", () => {
    let builds = 0;
    const { outcome, object } = writeWithRetry<NodeObject>(store, ref, (stored) => {
      builds++;
      // Another writer changes the node between this read and this write, once.
      if (builds === 1 && stored) {
        store.update({
          ...stored,
          metadata: { ...stored.metadata, labels: { ...stored.metadata.labels, b: "2" } },
        });
      }
      return labelled({ c: "3" })(stored);
    });
    assert.equal(builds, 2);
    assert.equal(outcome, "updated");
    assert.deepEqual(object.metadata.labels, { a: "1", b: "2", c: "3" }, "the other write is kept");
  });

  it("gives up with the Conflict when the object never holds still", () => {
    assert.throws(
      () =>
        writeWithRetry<NodeObject>(store, ref, (stored) => {
          if (stored)
            store.update({
              ...stored,
              metadata: { ...stored.metadata, labels: { n: String(Math.random()) } },
            });
          return labelled({ d: "4" })(stored);
        }),
      { name: "ConflictError" },
    );
  });
});

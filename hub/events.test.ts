import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EventRecorder } from "./events.js";
import type { EventObject } from "./store/index.js";
import { tempStore } from "./store/testing/fixtures.js";

const ds = { apiVersion: "apps/v1", kind: "DaemonSet", name: "fluentd", namespace: "default" };

describe("event recorder", () => {
  const fixture = tempStore();

  it("writes each correlated event once per batch, in the caller's transaction", () => {
    const { store } = fixture;
    const recorder = new EventRecorder(store, "daemonset-controller");
    const writes: string[] = [];
    const unwatch = store.watch<EventObject>("Event", (e) => writes.push(e.type));
    store.transaction(() =>
      recorder.batch(() => {
        for (let i = 0; i < 100; i++) {
          recorder.record(ds, "Normal", "SuccessfulCreate", `Created pod: p${i}`);
        }
      }),
    );
    unwatch();
    const events = store.list<EventObject>("Event").items;
    assert.equal(writes.length, 10);
    assert.equal(events.length, 10);
    const combined = events.find((e) => e.message?.startsWith("(combined from similar events)"));
    assert.equal(combined?.count, 91);
    assert.equal(combined?.message, "(combined from similar events): Created pod: p99");

    recorder.record(ds, "Normal", "SuccessfulCreate", "Created pod: p100");
    const bumped = store.get<EventObject>("Event", "default", combined?.metadata.name ?? "");
    assert.equal(bumped?.count, 92);
  });

  it("writes nothing of a batch that throws", () => {
    const { store } = fixture;
    const recorder = new EventRecorder(store, "daemonset-controller");
    const other = { ...ds, name: "other" };
    assert.throws(() =>
      recorder.batch(() => {
        recorder.record(other, "Normal", "SuccessfulCreate", "Created pod: x");
        throw new Error("sync failed");
      }),
    );
    const events = store.list<EventObject>("Event").items;
    assert.equal(events.filter((e) => e.involvedObject.name === "other").length, 0);
  });
});

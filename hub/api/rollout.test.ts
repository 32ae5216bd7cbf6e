import assert from "node:assert/strict";
import { after, beforeEach, describe, it } from "node:test";
import {
  openSqliteStore,
  type ControllerRevisionObject,
  type DaemonSetObject,
  type EventObject,
} from "../store/index.js";
import { tempDir } from "../store/testing/fixtures.js";
import { templateHash } from "../controller/template-hash.js";
import { applyManifest } from "./apply.js";
import { rollout, type RolloutRequest } from "./rollout.js";

const NOW = new Date("2026-11-23T10:00:00Z");

const manifest = (image: string, annotations = "") => `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
${annotations}spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers: [{name: app, image: "${image}"}]
`;

describe("rollout undo, restart, pause, resume", () => {
  const { dir, remove } = tempDir();
  const store = openSqliteStore(dir);
  after(() => {
    store.close();
    remove();
  });
  const ds = () => store.get<DaemonSetObject>("DaemonSet", "default", "agent")!;
  const run = (action: RolloutRequest["action"], toRevision?: number) =>
    rollout(store, { name: "agent", action, toRevision }, NOW);
  const refusal = (action: RolloutRequest["action"], toRevision?: number) => {
    try {
      run(action, toRevision);
    } catch (error) {
      return (error as Error).message;
    }
    assert.fail(`${action} was not refused`);
  };
  /** What the controller would have stored for each template so far. */
  const recordRevision = (revision: number) => {
    const current = ds();
    const hash = templateHash(current.spec!.template);
    store.create<ControllerRevisionObject>({
      apiVersion: "apps/v1",
      kind: "ControllerRevision",
      metadata: {
        name: `agent-${hash}-${revision}`,
        namespace: "default",
        labels: { "controller-revision-hash": hash },
        ownerReferences: [
          { apiVersion: "apps/v1", kind: "DaemonSet", name: "agent", uid: current.metadata.uid! },
        ],
      },
      data: { spec: { template: current.spec!.template } },
      revision,
    });
  };
  const image = () => ds().spec?.template.spec?.containers[0]?.image;
  const events = () =>
    store
      .list<EventObject>("Event")
      .items.map((e) => e.reason)
      .sort();

  beforeEach(() => {
    for (const kind of ["DaemonSet", "ControllerRevision", "Event"] as const) {
      for (const o of store.list(kind).items) {
        store.delete(kind, o.metadata.namespace ?? "", o.metadata.name ?? "");
      }
    }
    applyManifest(store, manifest("img:1"), NOW);
    recordRevision(1);
    applyManifest(store, manifest("img:2"), NOW);
    recordRevision(2);
  });

  it("undo goes back to the revision before the current one", () => {
    const result = run("undo");
    assert.equal(result.outcome, "rolled back");
    assert.equal(result.changed, true);
    assert.equal(image(), "img:1");
    assert.deepEqual(events(), ["RolledBack"]);
  });

  it("undo --to-revision picks that revision; the current one is skipped", () => {
    assert.equal(run("undo", 1).outcome, "rolled back");
    const again = run("undo", 1);
    assert.equal(again.outcome, "skipped rollback (current template already matches revision 1)");
    assert.equal(again.changed, false);
    assert.equal(refusal("undo", 7), "unable to find specified revision 7 in history");
  });

  it("restart marks the template, as kubectl does", () => {
    const result = run("restart");
    assert.equal(result.outcome, "restarted");
    assert.equal(
      ds().spec?.template.metadata?.annotations?.["kubectl.kubernetes.io/restartedAt"],
      "2026-11-23T10:00:00Z",
    );
    assert.deepEqual(events(), ["RolloutRestarted"]);
  });

  it("pause and resume toggle the annotation and refuse to repeat themselves", () => {
    assert.equal(run("pause").outcome, "paused");
    assert.equal(ds().metadata.annotations?.["daemonlet.io/paused"], "true");
    assert.equal(refusal("pause"), 'daemonsets.apps "agent" is already paused');
    assert.match(refusal("undo"), /cannot roll back a paused DaemonSet; resume it first/);
    assert.match(refusal("restart"), /cannot restart a paused DaemonSet/);
    assert.equal(run("resume").outcome, "resumed");
    assert.equal(ds().metadata.annotations, undefined);
    assert.equal(refusal("resume"), 'daemonsets.apps "agent" is not paused');
    assert.deepEqual(events(), ["RolloutPaused", "RolloutResumed"]);
  });

  it("re-applying the manifest keeps the pause and the restart mark", () => {
    run("restart");
    run("pause");
    const [result] = applyManifest(store, manifest("img:3"), NOW);
    assert.equal(result?.outcome, "configured");
    assert.equal(ds().metadata.annotations?.["daemonlet.io/paused"], "true");
    assert.ok(ds().spec?.template.metadata?.annotations?.["kubectl.kubernetes.io/restartedAt"]);
    assert.equal(image(), "img:3");
    const [explicit] = applyManifest(
      store,
      manifest("img:3", '  annotations: {daemonlet.io/paused: "false"}\n'),
      NOW,
    );
    assert.equal(explicit?.outcome, "configured");
    assert.equal(ds().metadata.annotations?.["daemonlet.io/paused"], "false");
  });

  it("undo needs a revision other than the current", () => {
    for (const o of store.list("ControllerRevision").items) {
      store.delete("ControllerRevision", "default", o.metadata.name ?? "");
    }
    recordRevision(2);
    assert.equal(refusal("undo"), "no last revision to roll back to");
    assert.throws(() => rollout(store, { name: "nope", action: "pause" }, NOW), /not found/);
  });
});

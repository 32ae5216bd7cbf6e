// `rollout status` following a DaemonSet through the hub's watch: the gRPC server in process on a
// real SQLite store, the status written as the controller would write it. Needs no Docker engine.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, describe, it } from "node:test";
import type { DaemonSetStatus } from "kubernetes-types/apps/v1.js";
import winston from "winston";
import { runCommand } from "../../cli/command-result.js";
import { runRolloutStatus } from "../../cli/rollout-commands.js";
import { applyManifest } from "../../hub/api/apply.js";
import { HubClient, startHubApi, type HubApiServer } from "../../hub/api/index.js";
import { openSqliteStore, type DaemonSetObject, type SqliteStore } from "../../hub/store/index.js";
import { UsageStore } from "../../hub/usage/usage-store.js";
import { waitFor } from "../support/wait.js";

const manifest = (image: string) => `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers: [{name: app, image: "${image}"}]
`;

describe("rollout status through the hub's watch", () => {
  const logger = winston.createLogger({ silent: true });
  let dir: string;
  let store: SqliteStore;
  let api: HubApiServer;
  let client: HubClient;
  const serve = async (port = 0) => {
    api = await startHubApi({
      listen: `127.0.0.1:${port}`,
      store,
      usage: new UsageStore(),
      deletePod: () => undefined,
      logger,
    });
  };
  const ds = () => store.get<DaemonSetObject>("DaemonSet", "default", "agent")!;
  const setStatus = (status: Partial<DaemonSetStatus>) => {
    const current = ds();
    store.updateStatus({
      ...current,
      status: { currentNumberScheduled: 2, numberMisscheduled: 0, numberReady: 2, ...status },
    });
  };
  const follow = (timeoutMs: number) => {
    const lines: string[] = [];
    const done = runCommand(() =>
      runRolloutStatus(client, { resource: "ds/agent" }, { watch: true, timeoutMs }, (text) =>
        lines.push(text),
      ),
    );
    return { lines, done };
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "daemonlet-rollout-api-"));
    store = openSqliteStore(dir);
    await serve();
    client = new HubClient(`127.0.0.1:${api.port}`);
  });

  after(async () => {
    client.close();
    await api.close();
    store.close();
    await rm(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    store.delete("DaemonSet", "default", "agent");
    applyManifest(store, manifest("img:1"), new Date());
    setStatus({
      desiredNumberScheduled: 2,
      updatedNumberScheduled: 2,
      numberAvailable: 2,
      observedGeneration: 1,
    });
    applyManifest(store, manifest("img:2"), new Date());
  });

  it("prints each change of the rollout's state until it is done", async () => {
    const { lines, done } = follow(0);
    // One change at a time: a watch may fold changes that come faster than it sends them.
    const step = async (status: Partial<DaemonSetStatus>) => {
      const seen = lines.length;
      setStatus(status);
      await waitFor(() => lines.length > seen, { what: `a line for ${JSON.stringify(status)}` });
    };
    await waitFor(() => lines.length === 1, { what: "the first line" });
    const desired = { desiredNumberScheduled: 2, observedGeneration: 2 };
    await step({ ...desired, updatedNumberScheduled: 0, numberAvailable: 2 });
    await step({ ...desired, updatedNumberScheduled: 1, numberAvailable: 1 });
    await step({ ...desired, updatedNumberScheduled: 2, numberAvailable: 1 });
    setStatus({ ...desired, updatedNumberScheduled: 2, numberAvailable: 2 });
    assert.equal((await done).exitCode, 0);
    assert.deepEqual(lines, [
      "Waiting for daemon set spec update to be observed...\n",
      'Waiting for daemon set "agent" rollout to finish: 0 out of 2 new pods have been updated...\n',
      'Waiting for daemon set "agent" rollout to finish: 1 out of 2 new pods have been updated...\n',
      'Waiting for daemon set "agent" rollout to finish: 1 of 2 updated pods are available...\n',
      'daemon set "agent" successfully rolled out\n',
    ]);
  });

  it("gives up after --timeout with exit code 1", async () => {
    const result = await follow(300).done;
    assert.equal(result.exitCode, 1);
    assert.equal(result.stderr, "error: timed out waiting for the condition\n");
  });

  it("stops when the DaemonSet is deleted", async () => {
    const { lines, done } = follow(0);
    await waitFor(() => lines.length === 1, { what: "the first line" });
    store.delete("DaemonSet", "default", "agent");
    const result = await done;
    assert.equal(result.exitCode, 1);
    assert.equal(result.stderr, "error: daemonset.apps/agent was deleted\n");
  });

  it("watches again when the hub's API restarts", async () => {
    const { lines, done } = follow(30_000);
    await waitFor(() => lines.length === 1, { what: "the first line" });
    const port = api.port;
    await api.close();
    setStatus({
      desiredNumberScheduled: 2,
      updatedNumberScheduled: 2,
      numberAvailable: 2,
      observedGeneration: 2,
    });
    await serve(port);
    assert.equal((await done).exitCode, 0);
    assert.equal(lines.at(-1), 'daemon set "agent" successfully rolled out\n');
  });

  it("refuses OnDelete DaemonSets, as kubectl does", async () => {
    const current = ds();
    store.update({ ...current, spec: { ...current.spec!, updateStrategy: { type: "OnDelete" } } });
    const result = await follow(0).done;
    assert.equal(result.exitCode, 1);
    assert.match(result.stderr, /only available for RollingUpdate strategy type/);
  });
});

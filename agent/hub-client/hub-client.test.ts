import assert from "node:assert/strict";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, it } from "node:test";
import type { Pod } from "kubernetes-types/core/v1.js";
import { waitFor } from "../../test/support/wait.js";
import { assignedPod } from "../../hub/gateway/testing/memory-backend.js";
import {
  nodeCredential,
  capturingLogger,
  startTestHub,
  type LogEntry,
  type TestHub,
} from "../../hub/gateway/testing/test-hub.js";
import { HubClient, type HubClientOptions } from "./hub-client.js";

const NODE = "web1";
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function hub(opts: Parameters<typeof startTestHub>[0] = {}): Promise<TestHub> {
  const started = await startTestHub(opts);
  cleanups.push(() => started.close());
  return started;
}

async function stateDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "daemonlet-hub-client-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

function client(
  url: string,
  dir: string,
  overrides: Partial<HubClientOptions> = {},
): { client: HubClient; logs: LogEntry[] } {
  const { logger, entries } = capturingLogger();
  const created = new HubClient({
    url,
    credentials: { get: async () => ({ bearer: nodeCredential(NODE) }) },
    nodeName: NODE,
    stateDir: dir,
    logger,
    hello: () => ({
      agentVersion: "0.0.0-test",
      labels: {},
      capacity: { cpu: "2", memory: "4Gi", pods: "110" },
      addresses: [],
      nodeInfo: {
        osImage: "",
        kernelVersion: "",
        architecture: "amd64",
        containerRuntimeVersion: "",
      },
      runningPodUids: [],
      allocatable: {},
      taints: [],
    }),
    // Short delays keep the reconnect test quick; the policy's shape is the default's.
    reconnect: { initialDelayMs: 50, maxDelayMs: 500 },
    ...overrides,
  });
  cleanups.push(() => created.stop());
  return { client: created, logs: entries };
}

const podNames = (c: HubClient): string[] =>
  c
    .pods()
    .map((p) => p.name)
    .sort();

function statusPod(name: string, phase: string): Pod {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default", uid: `uid-${name}` },
    status: { phase },
  };
}

describe("hub client", () => {
  it("runs the pods the hub assigns, through snapshots and deltas, and acks them", async () => {
    const h = await hub();
    h.backend.assign(NODE, [assignedPod(NODE, "exporter"), assignedPod(NODE, "shipper")]);
    const { client: c } = client(h.url, await stateDir());
    let changes = 0;
    c.onChange(() => changes++);
    await c.start();

    await waitFor(() => podNames(c), { what: "the snapshot", until: (n) => n.length === 2 });
    assert.equal(c.connected(), true);
    const [exporter] = c.pods();
    assert.equal(exporter?.source, "hub");
    assert.equal(exporter?.uid, "uid-exporter");
    assert.equal(exporter?.nodeName, NODE);
    assert.equal(exporter?.spec.containers[0]?.imagePullPolicy, "IfNotPresent");

    h.backend.assign(NODE, [assignedPod(NODE, "exporter"), assignedPod(NODE, "collector")]);
    await waitFor(() => podNames(c), {
      what: "the delta",
      until: (n) => n.join() === "collector,exporter",
    });
    assert.equal(changes, 2);
    await waitFor(() => h.gateway.connectedNodes()[0], {
      what: "both versions to be acked",
      until: (node) => node.ackedVersion === 2 && node.sentVersion === 2,
    });
  });

  it("sends usage to a hub that takes it: all pods first in a session, then what moved", async () => {
    const h = await hub();
    const { client: c } = client(h.url, await stateDir());
    await c.start();
    await waitFor(() => c.connected(), { what: "the session" });
    const node = {
      cpuNanoCores: 1,
      memoryWorkingSetBytes: 2,
      memoryAvailableBytes: 3,
      fsUsedBytes: 4,
      fsAvailableBytes: 5,
      fsCapacityBytes: 9,
      networkRxBytesPerSecond: 0,
      networkTxBytesPerSecond: 0,
    };
    const pod = (name: string, cpuMillis: number) => ({
      uid: `uid-${name}`,
      namespace: "default",
      name,
      containers: [{ name: "c", cpuNanoCores: cpuMillis * 1e6, memoryWorkingSetBytes: 2 ** 20 }],
    });
    const sample = (pods: ReturnType<typeof pod>[]) => ({
      time: "2024-05-06T12:00:00.000Z",
      windowSeconds: 10,
      node,
      pods,
    });
    c.reportUsage(sample([pod("a", 100), pod("b", 100)]));
    c.reportUsage(sample([pod("a", 100), pod("b", 300)]));
    c.reportUsage(sample([pod("b", 300)]));
    const reports = await waitFor(() => h.backend.usageReports, {
      what: "three usage reports",
      until: (r) => r.length === 3,
    });
    assert.deepEqual(
      reports.map(({ report }) => ({
        full: report.full,
        pods: report.pods.map((p) => p.name),
        gone: report.goneUids,
      })),
      [
        { full: true, pods: ["a", "b"], gone: [] },
        { full: false, pods: ["b"], gone: [] },
        { full: false, pods: [], gone: ["uid-a"] },
      ],
    );
    assert.deepEqual(reports[0]?.report.node, node);
  });

  it("leaves out, and logs, a pod that fails validation on the node", async () => {
    const h = await hub();
    const invalid = assignedPod(NODE, "broken", {
      spec: { nodeName: NODE, containers: [{ name: "main" }] },
    });
    const elsewhere = assignedPod(NODE, "elsewhere", {
      spec: { ...assignedPod(NODE, "x").spec, nodeName: "web2" },
    });
    h.backend.assign(NODE, [assignedPod(NODE, "good"), invalid, elsewhere]);
    const { client: c, logs } = client(h.url, await stateDir());
    await c.start();

    await waitFor(() => podNames(c), { what: "the good pod", until: (n) => n.length > 0 });
    assert.deepEqual(podNames(c), ["good"]);
    const refusals = logs.filter((e) => e.message === "refusing a pod from the hub");
    assert.deepEqual(
      refusals.map((e) => e["pod"]),
      ["default/broken", "default/elsewhere"],
    );
    assert.match(String(refusals[0]?.["problem"]), /spec\.containers\[0\]\.image: required/);
    assert.match(String(refusals[1]?.["problem"]), /spec\.nodeName: is web2, not this node/);
  });

  it("receives no pods with a token the hub refuses, and says why", async () => {
    const h = await hub();
    h.backend.assign(NODE, [assignedPod(NODE, "secret")]);
    const { client: c, logs } = client(h.url, await stateDir(), {
      credentials: { get: async () => ({ bearer: "wrong" }) },
    });
    await c.start();

    const refusal = await waitFor(
      () => logs.find((e) => e.message === "the hub refused this agent"),
      { what: "the refusal to be logged" },
    );
    assert.equal(refusal.level, "error");
    assert.equal(refusal["code"], "Unauthenticated");
    assert.match(String(refusal["reason"]), /HTTP 401/);
    assert.deepEqual(c.pods(), []);
    assert.equal(c.connected(), false);
    assert.equal(h.backend.connected.size, 0);
  });

  it("logs the hub's ErrorFrame when another agent takes over the node's session", async () => {
    const h = await hub();
    const { client: first, logs } = client(h.url, await stateDir());
    await first.start();
    await waitFor(() => first.connected(), { what: "the first agent's session" });
    const { client: second } = client(h.url, await stateDir());
    await second.start();

    const replaced = await waitFor(
      () => logs.find((e) => String(e.message).startsWith("the hub handed this node's session")),
      { what: "the replacement to be logged" },
    );
    assert.equal(replaced.level, "warn");
    assert.match(String(replaced["reason"]), /another connection for this node name/);
  });

  it("keeps the last assigned pods on disk for an agent restarted without a hub", async () => {
    const h = await hub();
    const dir = await stateDir();
    h.backend.assign(NODE, [assignedPod(NODE, "exporter")]);
    const { client: first } = client(h.url, dir);
    await first.start();
    await waitFor(() => podNames(first), { what: "the snapshot", until: (n) => n.length === 1 });
    await first.stop();
    await h.close();

    const fileMode = (await stat(join(dir, "assigned-pods.json"))).mode & 0o777;
    assert.equal(fileMode, 0o600);
    // Nothing listens on the closed hub's port: this client only has the file.
    const { client: restarted } = client(h.url, dir);
    assert.deepEqual(restarted.pods(), first.pods());
    await restarted.start();
    assert.deepEqual(podNames(restarted), ["exporter"]);
    assert.equal(restarted.connected(), false);
  });

  it("reconnects to a hub that restarted and takes its pod set", async () => {
    const h = await hub();
    h.backend.assign(NODE, [assignedPod(NODE, "before")]);
    const { client: c } = client(h.url, await stateDir());
    await c.start();
    await waitFor(() => podNames(c), {
      what: "the first hub's pods",
      until: (n) => n.length === 1,
    });

    await h.close();
    await waitFor(() => !c.connected(), { what: "the client to notice" });
    const restarted = await hub({ port: h.port });
    restarted.backend.assign(NODE, [assignedPod(NODE, "after")]);

    await waitFor(() => podNames(c), {
      what: "the restarted hub's pods",
      until: (n) => n.join() === "after",
    });
    assert.equal(c.connected(), true);
    assert.equal(restarted.backend.connected.get(NODE)?.lastAppliedVersion, 1);
  });

  it("sends only the pods whose status changed, and the ones gone", async () => {
    const h = await hub();
    const { client: c } = client(h.url, await stateDir());
    await c.start();
    await waitFor(() => c.connected(), { what: "the connection" });
    const calls = h.backend.statusCalls;
    const nextCall = (what: string) =>
      waitFor(() => calls.shift(), { what, until: (call) => call.nodeName === NODE });

    assert.deepEqual((await nextCall("the report on connect")).pods, []);
    c.reportStatuses([statusPod("a", "Pending"), statusPod("b", "Pending")]);
    assert.deepEqual(
      (await nextCall("the first report")).pods.map((p) => p.metadata?.name),
      ["a", "b"],
    );

    c.reportStatuses([statusPod("a", "Pending"), statusPod("b", "Running")]);
    const changed = await nextCall("b's change");
    assert.deepEqual(changed.pods, [statusPod("b", "Running")]);
    assert.deepEqual(changed.goneUids, []);

    // Unchanged: nothing is sent, so the next call the hub sees is the one after.
    c.reportStatuses([statusPod("a", "Pending"), statusPod("b", "Running")]);
    c.reportStatuses([statusPod("a", "Pending")]);
    const gone = await nextCall("b's removal");
    assert.deepEqual([gone.pods, gone.goneUids], [[], ["uid-b"]]);
  });

  it("heartbeats with the node's conditions at the interval the hub asks for", async () => {
    const h = await hub({ heartbeatIntervalSeconds: 1 });
    const ready = { type: "Ready", status: "True", reason: "AgentReady" };
    const { client: c } = client(h.url, await stateDir(), { conditions: () => [ready] });
    await c.start();
    const [beat] = await waitFor(() => h.backend.heartbeats, {
      what: "a heartbeat",
      until: (beats) => beats.length > 0,
    });
    assert.equal(beat?.nodeName, NODE);
    assert.deepEqual(beat?.heartbeat.conditions, [ready]);
    assert.ok(!Number.isNaN(Date.parse(beat?.heartbeat.time ?? "")), "an RFC 3339 time");
  });
});

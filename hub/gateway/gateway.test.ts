import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import type { Pod } from "kubernetes-types/core/v1.js";
import type { ClientOptions } from "ws";
import { PROTOCOL_VERSION, type AgentHello } from "../../proto/hub-agent-frames.js";
import { waitFor } from "../../test/support/wait.js";
import { MemoryBackend, assignedPod } from "./testing/memory-backend.js";
import { RawAgent, helloFor } from "./testing/raw-agent.js";
import { TEST_TOKEN, nodeCredential, startTestHub, type TestHub } from "./testing/test-hub.js";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function hub(opts: Parameters<typeof startTestHub>[0] = {}): Promise<TestHub> {
  const started = await startTestHub(opts);
  cleanups.push(() => started.close());
  return started;
}

/** A connection with the credential of `nodeName`, the only node it may say Hello as. */
function agent(h: TestHub, nodeName = "web1", options: ClientOptions = {}): RawAgent {
  const connected = new RawAgent(h.url, nodeCredential(nodeName), options);
  cleanups.push(() => connected.close());
  return connected;
}

/** An agent past its Hello, Welcome and snapshot. */
async function session(h: TestHub, nodeName: string): Promise<RawAgent> {
  const a = agent(h, nodeName);
  await a.hello(nodeName);
  await a.nextOf("welcome");
  await a.nextOf("snapshot");
  return a;
}

describe("agent gateway", () => {
  it("welcomes an agent, registers its node and sends its pod set", async () => {
    const h = await hub();
    h.backend.assign("web1", [assignedPod("web1", "exporter"), assignedPod("web1", "shipper")]);
    h.backend.assign("web2", [assignedPod("web2", "other")]);
    const a = agent(h);
    await a.hello("web1", { lastAppliedVersion: 41 });

    const welcome = await a.nextOf("welcome");
    assert.equal(welcome.protocolVersion, PROTOCOL_VERSION);
    assert.equal(welcome.heartbeatIntervalSeconds, 10);
    const snapshot = await a.nextOf("snapshot");
    assert.equal(snapshot.version, 42, "versions continue from what the agent applied");
    assert.deepEqual(
      snapshot.pods.map((p) => p.name),
      ["exporter", "shipper"],
    );
    assert.deepEqual(snapshot.pods[0], assignedPod("web1", "exporter"));
    assert.equal(h.backend.connected.get("web1")?.capacity["memory"], "8Gi");
  });

  it("puts pods assigned while the agent registers into the snapshot, not an early delta", async () => {
    const backend = new (class extends MemoryBackend {
      override agentConnected(hello: AgentHello): void {
        super.agentConnected(hello);
        this.assign(hello.nodeName, [assignedPod(hello.nodeName, "placed-on-join")]);
      }
    })(TEST_TOKEN);
    const h = await hub({ backend });
    const a = agent(h);
    await a.hello("web1");
    await a.nextOf("welcome");
    const snapshot = await a.nextOf("snapshot");
    assert.deepEqual(
      snapshot.pods.map((p) => p.name),
      ["placed-on-join"],
    );
  });

  it("sends what changed as a delta with the next version, and nothing when nothing did", async () => {
    const h = await hub();
    const a = assignedPod("web1", "a");
    const b = assignedPod("web1", "b");
    const c = assignedPod("web1", "c");
    h.backend.assign("web1", [a, b]);
    const agentWeb1 = await session(h, "web1");

    h.backend.assign("web1", [a, b]);
    const relabelled = { ...b, labels: { app: "b", tier: "2" } };
    h.backend.assign("web1", [relabelled, c]);
    const delta = await agentWeb1.nextOf("delta");
    assert.equal(delta.version, 2, "the unchanged assignment sent no frame");
    assert.deepEqual(delta.upserts, [relabelled, c]);
    assert.deepEqual(delta.removedUids, ["uid-a"]);

    h.backend.assign("web1", []);
    const removal = await agentWeb1.nextOf("delta");
    assert.deepEqual(
      [removal.version, removal.upserts, removal.removedUids.sort()],
      [3, [], ["uid-b", "uid-c"]],
    );
  });

  it("records the versions an agent acknowledges", async () => {
    const h = await hub();
    const a = await session(h, "web1");
    h.backend.assign("web1", [assignedPod("web1", "x")]);
    const delta = await a.nextOf("delta");
    a.send({ kind: "ack", version: delta.version });
    const [node] = await waitFor(() => h.gateway.connectedNodes(), {
      what: "the ack to be recorded",
      until: (nodes) => nodes[0]?.ackedVersion === delta.version,
    });
    assert.equal(node?.sentVersion, delta.version);
    assert.equal(node?.nodeName, "web1");
  });

  it("refuses a wrong or missing token with HTTP 401 before any frame", async () => {
    const h = await hub();
    h.backend.assign("web1", [assignedPod("web1", "secret")]);
    for (const token of ["wrong", undefined]) {
      const a = new RawAgent(h.url, token);
      cleanups.push(() => a.close());
      await waitFor(() => a.refusedStatus, { what: "the upgrade to be refused" });
      assert.equal(a.refusedStatus, 401);
      assert.deepEqual(a.frames, []);
    }
    assert.equal(h.backend.connected.size, 0);
  });

  it("lets a node's credential speak for that node only", async () => {
    const h = await hub();
    h.backend.assign("web2", [assignedPod("web2", "not-yours")]);
    const impostor = agent(h, "web1");
    await impostor.hello("web2");
    const error = await impostor.nextOf("error");
    assert.equal(error.code, "Unauthenticated");
    assert.match(error.message, /belongs to node web1, not web2/);
    assert.equal((await impostor.waitClosed()).code, 1008);
    assert.deepEqual(
      impostor.frames.map((f) => f.kind),
      ["error"],
      "no pod of web2 was sent",
    );
    assert.equal(h.backend.connected.size, 0);
  });

  it("ends the session of a node whose credential is revoked", async () => {
    const h = await hub();
    const revoked = await session(h, "web1");
    const other = await session(h, "web2");
    h.gateway.revoke("web1");
    assert.equal((await revoked.nextOf("error")).code, "Unauthenticated");
    await revoked.waitClosed();
    h.backend.assign("web2", [assignedPod("web2", "still-served")]);
    assert.equal((await other.nextOf("delta")).upserts[0]?.name, "still-served");
  });

  it("closes only the connection that sent a malformed frame", async () => {
    const h = await hub();
    const healthy = await session(h, "web2");
    const cases: [string, (a: RawAgent) => Promise<void>][] = [
      [
        "garbage bytes",
        async (a) => (await a.opened(), a.sendBytes(new Uint8Array([0xff, 0xff, 0xff]))),
      ],
      [
        "a frame before Hello",
        async (a) => (await a.opened(), a.send({ kind: "ack", version: 1 })),
      ],
      [
        "a second Hello",
        async (a) => {
          await a.hello("web1");
          await a.nextOf("welcome");
          await a.nextOf("snapshot");
          a.send({ kind: "hello", hello: helloFor("web1") });
        },
      ],
    ];
    for (const [what, misbehave] of cases) {
      const a = agent(h);
      await misbehave(a);
      const error = await a.nextOf("error");
      assert.equal(error.code, "MalformedFrame", what);
      assert.equal((await a.waitClosed()).code, 1002, what);
    }
    h.backend.assign("web2", [assignedPod("web2", "still-served")]);
    assert.equal((await healthy.nextOf("delta")).upserts[0]?.name, "still-served");
  });

  it("closes only the connection that sent an oversized frame (close code 1009)", async () => {
    const h = await hub({ maxFrameBytes: 64 * 1024 });
    const healthy = await session(h, "web2");
    const big = await session(h, "web1");
    big.sendBytes(new Uint8Array(64 * 1024 + 1));
    assert.equal((await big.waitClosed()).code, 1009);
    await waitFor(() => h.backend.disconnects.includes("web1"), {
      what: "web1 to be disconnected",
    });
    h.backend.assign("web2", [assignedPod("web2", "still-served")]);
    assert.equal((await healthy.nextOf("delta")).upserts[0]?.name, "still-served");
  });

  it("hands a node's session to its newest connection", async () => {
    const h = await hub();
    const first = await session(h, "web1");
    const second = await session(h, "web1");
    const error = await first.nextOf("error");
    assert.equal(error.code, "Replaced");
    await first.waitClosed();
    h.backend.assign("web1", [assignedPod("web1", "x")]);
    assert.equal((await second.nextOf("delta")).upserts[0]?.name, "x");
    assert.deepEqual(h.backend.disconnects, [], "the node stayed connected throughout");
    assert.equal(h.gateway.connectedNodes().length, 1);
  });

  it("answers another protocol version with an ErrorFrame naming both", async () => {
    const h = await hub();
    const a = agent(h);
    await a.hello("web1", { protocolVersion: PROTOCOL_VERSION + 1 });
    const error = await a.nextOf("error");
    assert.equal(error.code, "VersionMismatch");
    assert.match(
      error.message,
      new RegExp(`version ${PROTOCOL_VERSION + 1}.*speaks ${PROTOCOL_VERSION}`),
    );
    await a.waitClosed();
    assert.equal(h.backend.connected.size, 0);
  });

  it("drops an agent that answers no ping", async () => {
    const h = await hub({ heartbeatTimeoutMs: 300 });
    const silent = agent(h, "web1", { autoPong: false });
    await silent.hello("web1");
    await silent.waitClosed();
    await waitFor(() => h.backend.disconnects.includes("web1"), {
      what: "web1 to be disconnected",
    });
  });

  it("passes status reports and heartbeats to the backend", async () => {
    const h = await hub();
    const a = await session(h, "web1");
    const pod: Pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "x", namespace: "default", uid: "uid-x" },
      spec: { containers: [{ name: "main", image: "busybox:1.36" }] },
      status: { phase: "Running" },
    };
    a.send({ kind: "podStatus", pods: [pod], goneUids: ["uid-old"] });
    const heartbeat = {
      time: "2024-05-01T10:00:00.000Z",
      conditions: [{ type: "Ready", status: "True" }],
    };
    a.send({ kind: "heartbeat", heartbeat });
    await waitFor(() => h.backend.heartbeats.length > 0, { what: "the heartbeat" });
    assert.deepEqual(h.backend.statusCalls, [
      { nodeName: "web1", pods: [pod], goneUids: ["uid-old"] },
    ]);
    assert.deepEqual(h.backend.heartbeats, [{ nodeName: "web1", heartbeat }]);
  });

  it("closes its sessions with 1001 when the hub shuts down", async () => {
    const h = await hub();
    const a = await session(h, "web1");
    await h.gateway.close();
    assert.equal((await a.waitClosed()).code, 1001);
  });
});

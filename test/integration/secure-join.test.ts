// Joining a TLS hub for real: join tokens from the CLI, the per-node credential an agent stores,
// the CA pinned from the join token, and every way in that must be refused.
import assert from "node:assert/strict";
import { copyFile, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { Node, Pod } from "kubernetes-types/core/v1.js";
import { HubClient, isHubApiError } from "../../hub/api/index.js";
import { readAdminConfig } from "../../hub/auth/admin-config.js";
import { RawAgent } from "../../hub/gateway/testing/raw-agent.js";
import { CREDENTIAL_FILE, HUB_CA_FILE } from "../../agent/hub-client/credentials.js";
import { AgentProcess } from "../support/agent-process.js";
import { HubProcess } from "../support/hub-process.js";
import { daemonSetYaml } from "../support/manifests.js";
import { waitFor } from "../support/wait.js";
import { agentWithContainers, disposeAll } from "../support/cleanup.js";

const EVERYWHERE = daemonSetYaml("everywhere", { container: { name: "main" } });

describe("secure join to a TLS hub", () => {
  let hub: HubProcess;
  const agents: AgentProcess[] = [];

  const cli = (...args: string[]) => hub.cli(...args);
  const nodes = async () =>
    (JSON.parse(await cli("get", "nodes", "-o", "json")) as { items: Node[] }).items;
  const isReady = (n: Node | undefined) =>
    n?.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
  const agent = async (prefix: string, args: string[]) => {
    const created = await AgentProcess.create(prefix, ["--hub", hub.url, ...args]);
    agents.push(created);
    return created;
  };
  const logged = (a: AgentProcess | HubProcess, pattern: RegExp, what: string) =>
    waitFor(() => a.logs.find((l) => pattern.test(JSON.stringify(l))), { timeoutMs: 30_000, what });

  before(async () => {
    hub = await HubProcess.create(["--init-pki"]);
    await hub.start();
  });

  after(() => disposeAll([agents.flatMap((a) => agentWithContainers(a)), () => hub?.dispose()]));

  it("joins with a token once, then runs on its own stored credential", async () => {
    const join = (await cli("token", "create", "--ttl", "1h", "--description", "test")).trim();
    assert.match(join, /^[a-z0-9]{6}\.[a-z0-9]{16}@sha256:[0-9a-f]{64}$/);
    assert.match(await cli("token", "list"), new RegExp(`^${join.slice(0, 6)} .*test$`, "m"));

    const a = await agent("join-a", ["--token", join]);
    await a.start();
    await waitFor(
      async () => isReady((await nodes()).find((n) => n.metadata?.name === a.nodeName)),
      {
        timeoutMs: 30_000,
        what: "the node to join and be Ready",
      },
    );
    const credential = path.join(a.stateDir, CREDENTIAL_FILE);
    assert.equal((await stat(credential)).mode & 0o777, 0o600);
    assert.match(await readFile(path.join(a.stateDir, HUB_CA_FILE), "utf8"), /BEGIN CERTIFICATE/);

    // The join token is deleted; a restart below still connects, on the stored credential.
    await cli("token", "delete", join.slice(0, 6));
    await a.kill("SIGTERM");
    // Another node presenting a's credential is refused: a credential names its node.
    const impostor = await AgentProcess.create("join-b", ["--hub", hub.url]);
    agents.push(impostor);
    await mkdir(impostor.stateDir, { recursive: true });
    await copyFile(credential, path.join(impostor.stateDir, CREDENTIAL_FILE));
    await copyFile(path.join(a.stateDir, HUB_CA_FILE), path.join(impostor.stateDir, HUB_CA_FILE));
    await impostor.start();
    await logged(
      impostor,
      new RegExp(`belongs to node ${a.nodeName}, not ${impostor.nodeName}`),
      "the refusal",
    );
    assert.ok(!(await nodes()).some((n) => n.metadata?.name === impostor.nodeName));

    await a.start();
    await logged(a, /connected to the hub/, "a to connect again without a join token");
  });

  it("lets a node's credential read and report for its own node only", async () => {
    const join = (await cli("token", "create")).trim();
    const a = await agent("own-a", ["--token", join]);
    const b = await agent("own-b", ["--token", join]);
    await Promise.all([a.start(), b.start()]);
    await logged(a, /connected to the hub/, "a to connect");
    await logged(b, /connected to the hub/, "b to connect");
    const { ca } = await readAdminConfig(hub.adminConfig);
    const credentialOfA = (await readFile(path.join(a.stateDir, CREDENTIAL_FILE), "utf8")).trim();
    const raw = new RawAgent(hub.url, credentialOfA, { ca });
    try {
      await raw.hello(b.nodeName);
      const error = await raw.nextOf("error");
      assert.equal(error.code, "Unauthenticated");
      assert.deepEqual(
        raw.frames.map((f) => f.kind),
        ["error"],
        "nothing of b's was sent",
      );
    } finally {
      raw.close();
    }

    // As itself, a's credential gets a's pods only, and its reports about b's pod are ignored.
    const manifest = path.join(hub.dataDir, "everywhere.yaml");
    await writeFile(manifest, EVERYWHERE);
    await cli("apply", "-f", manifest);
    const pods = async () =>
      (JSON.parse(await cli("get", "pods", "-o", "json")) as { items: Pod[] }).items;
    const podOfB = await waitFor(
      async () =>
        (await pods()).find(
          (p) => p.spec?.nodeName === b.nodeName && p.status?.phase === "Running",
        ),
      { what: "the DaemonSet's pod running on b", timeoutMs: 30_000 },
    );
    // a's own agent steps aside first: one session per node, and its reconnect would end this
    // one before the hub reads the forged report.
    await a.kill("SIGKILL");
    const asA = new RawAgent(hub.url, credentialOfA, { ca });
    try {
      await asA.hello(a.nodeName);
      await asA.nextOf("welcome");
      const snapshot = await asA.nextOf("snapshot");
      assert.ok(
        snapshot.pods.every((p) => (p.spec as { nodeName?: string }).nodeName === a.nodeName),
      );
      asA.send({
        kind: "podStatus",
        pods: [{ ...podOfB, status: { phase: "Failed", reason: "Forged" } }],
        goneUids: [podOfB.metadata?.uid ?? ""],
      });
      await logged(hub, /pod bound elsewhere; ignored/, "the hub to ignore the forged report");
    } finally {
      asA.close();
    }
    const after = (await pods()).find((p) => p.metadata?.uid === podOfB.metadata?.uid);
    assert.equal(after?.status?.phase, "Running", "b's pod is untouched");
  });

  it("refuses a bad token, an expired token and a wrong CA hash", async () => {
    const good = (await cli("token", "create")).trim();
    const [, hash] = good.split("@");
    const bad = await agent("bad-token", ["--token", `abcdef.0123456789abcdef@${hash}`]);
    const short = (await cli("token", "create", "--ttl", "1s")).trim();
    const expiry = Date.now() + 1000;
    const wrongCa = await agent("wrong-ca", [
      "--token",
      `${good.split("@")[0]}@sha256:${"0".repeat(64)}`,
    ]);
    await Promise.all([bad.start(), wrongCa.start()]);
    await logged(bad, /unknown or expired/, "the bad token to be refused");
    await logged(wrongCa, /do not match the CA hash/, "the wrong CA to be refused");

    await waitFor(() => Date.now() > expiry, { what: "the short token to expire" });
    const late = await agent("expired", ["--token", short]);
    await late.start();
    await logged(late, /unknown or expired/, "the expired token to be refused");
    await logged(hub, /expired at/, "the hub to say why");
    const names = (await nodes()).map((n) => n.metadata?.name);
    for (const refused of [bad, wrongCa, late]) assert.ok(!names.includes(refused.nodeName));
  });

  it("revokes a node, by `node revoke` or `delete node`: its session ends, its credential fails", async () => {
    const join = (await cli("token", "create")).trim();
    const revoked = await agent("revoked", ["--token", join]);
    const deleted = await agent("deleted", ["--token", join]);
    await Promise.all([revoked.start(), deleted.start()]);
    await logged(revoked, /connected to the hub/, "the first agent to connect");
    await logged(deleted, /connected to the hub/, "the second agent to connect");
    assert.match(await cli("node", "revoke", revoked.nodeName), /revoked/);
    await cli("delete", "node", deleted.nodeName);
    for (const cut of [revoked, deleted]) {
      await logged(cut, /HTTP 401/, `${cut.nodeName}'s reconnect to be refused`);
    }
    assert.match(await cli("node", "revoke", revoked.nodeName), /nothing to revoke/);
    assert.ok(!(await nodes()).some((n) => n.metadata?.name === deleted.nodeName));
  });

  it("serves the API only to its admin credential", async () => {
    const { ca } = await readAdminConfig(hub.adminConfig);
    const intruder = new HubClient(hub.api, 10_000, { ca, token: `dladmin1.${"x".repeat(43)}` });
    try {
      await assert.rejects(intruder.list({ kind: "Node" }), (e) =>
        isHubApiError(e, "Unauthenticated"),
      );
    } finally {
      intruder.close();
    }
  });
});

// Abuses the hub's agent port with what no agent sends: random bytes and HTTP garbage before any
// upgrade, upgrades without a token, and, inside authenticated WebSocket sessions, random and
// mutated protocol frames, text frames, oversized frames and floods. The hub must stay up and
// answering, keep its memory bounded, and leave a well-behaved agent's session untouched.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import { HubAgentCodec } from "../../proto/hub-agent-codec.js";
import type { AgentFrame } from "../../proto/hub-agent-frames.js";
import { RawAgent, helloFor } from "../../hub/gateway/testing/raw-agent.js";
import { rssKb } from "../../bench/proc-stats.js";
import { HubProcess } from "../support/hub-process.js";
import { Prng, fuzzSeed, mutateBytes } from "../support/fuzz.js";
import { waitFor } from "../support/wait.js";

const codec = new HubAgentCodec();
const RAW_CASES = Number(process.env["FUZZ_RAW_CASES"] ?? 300);
const SESSIONS = Number(process.env["FUZZ_SESSIONS"] ?? 150);
const FRAMES_PER_SESSION = 12;

/** Valid frames of every kind, to mutate. */
function validFrames(nodeName: string): AgentFrame[] {
  return [
    { kind: "hello", hello: helloFor(nodeName) },
    { kind: "ack", version: 1 },
    { kind: "heartbeat", heartbeat: { time: new Date().toISOString(), conditions: [] } },
    {
      kind: "podStatus",
      pods: [
        {
          metadata: { name: "p", namespace: "default", uid: "u-1" },
          status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] },
        },
      ],
      goneUids: ["u-2"],
    },
  ];
}

/** Bytes for a raw TCP connection to the agent port, before any WebSocket exists. */
function rawPayload(rng: Prng, port: number): Buffer {
  const upgrade = (extra: string) =>
    Buffer.from(
      `GET /agent HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n${extra}\r\n`,
    );
  switch (rng.int(5)) {
    case 0:
      return rng.bytes(1 + rng.int(4096));
    case 1:
      return upgrade(""); // no token
    case 2:
      return upgrade(`Authorization: Bearer ${rng.bytes(24).toString("base64")}\r\n`);
    case 3:
      return mutateBytes(rng, upgrade("Authorization: Bearer x\r\n"));
    default:
      return upgrade(`X-Junk: ${"a".repeat(20_000 + rng.int(50_000))}\r\n`);
  }
}

/** Sends `data` on a fresh TCP connection and waits (bounded) for the hub to answer or close. */
async function rawConnection(port: number, data: Buffer): Promise<string> {
  const socket = net.connect(port, "127.0.0.1");
  socket.on("error", () => undefined);
  let answer = "";
  socket.on("data", (chunk: Buffer) => (answer += chunk.toString("latin1")));
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  socket.write(data);
  await Promise.race([closed, delay(500)]);
  socket.destroy();
  return /^HTTP\/1\.1 (\d+)/.exec(answer)?.[1] ?? (answer === "" ? "no answer" : "other");
}

describe("the hub's agent port under abuse", () => {
  let hub: HubProcess;
  let bystander: RawAgent;
  let beat: NodeJS.Timeout | undefined;
  const rss: number[] = [];
  const sampleRss = () => {
    const pid = hub.pid;
    if (pid !== undefined) rss.push(rssKb(pid));
  };

  before(async () => {
    hub = await HubProcess.create();
    await hub.start();
    // A well-behaved agent, heartbeating throughout: its session must not notice the abuse.
    bystander = new RawAgent(hub.url, await hub.joinNode("bystander"));
    await bystander.hello("bystander");
    await bystander.nextOf("welcome");
    await bystander.nextOf("snapshot");
    beat = setInterval(
      () =>
        bystander.send({
          kind: "heartbeat",
          heartbeat: { time: new Date().toISOString(), conditions: [] },
        }),
      200,
    );
    sampleRss();
  });

  after(async () => {
    clearInterval(beat);
    bystander?.close();
    await hub?.dispose();
  });

  const assertHealthy = async () => {
    assert.ok(hub.isRunning(), "the hub is still running");
    const health = await fetch(`http://127.0.0.1:${hub.agentPort}/healthz`);
    assert.equal(health.status, 200);
    assert.equal(bystander.closed, undefined, "the bystander's session is untouched");
    assert.deepEqual(
      bystander.frames.filter((f) => f.kind === "error"),
      [],
      "the bystander got no ErrorFrame",
    );
  };

  it("survives random bytes, tokenless and oversized upgrades on raw connections", async (t) => {
    const rng = new Prng(fuzzSeed());
    const answers = new Map<string, number>();
    for (let i = 0; i < RAW_CASES; i += 10) {
      const batch = Array.from({ length: Math.min(10, RAW_CASES - i) }, () =>
        rawConnection(hub.agentPort, rawPayload(rng, hub.agentPort)),
      );
      for (const answer of await Promise.all(batch)) {
        answers.set(answer, (answers.get(answer) ?? 0) + 1);
      }
      sampleRss();
    }
    t.diagnostic(
      `raw connections: ${RAW_CASES}, hub answers ${JSON.stringify(Object.fromEntries(answers))}`,
    );
    assert.equal(answers.get("101") ?? 0, 0, "no connection without the token became a WebSocket");
    await assertHealthy();
  });

  it("survives random, mutated, text, oversized and flooded frames in authenticated sessions", async (t) => {
    const rng = new Prng(fuzzSeed() ^ 0x9e3779b9);
    let frames = 0;
    let closedByHub = 0;
    const closeCodes = new Map<number, number>();
    const session = async (n: number) => {
      const name = `fuzz-${n}`;
      const agent = new RawAgent(hub.url, await hub.joinNode(name));
      await agent.opened();
      // Half the sessions get past the Hello first, so later frames meet a live session.
      if (rng.next() < 0.5) agent.send({ kind: "hello", hello: helloFor(name) });
      const valid = validFrames(name);
      for (let i = 0; i < FRAMES_PER_SESSION && agent.closed === undefined; i++) {
        frames++;
        const style = rng.int(6);
        try {
          if (style === 0) agent.sendBytes(rng.bytes(1 + rng.int(2048)));
          else if (style <= 2)
            agent.sendBytes(mutateBytes(rng, codec.encodeAgentFrame(rng.pick(valid))));
          else if (style === 3)
            agent.sendBytes(Buffer.alloc(4 * 1024 * 1024 + 1 + rng.int(1024), 7));
          else if (style === 4) {
            // A flood: a thousand frames at once, valid and not.
            for (let k = 0; k < 1000; k++) agent.send(rng.pick(valid));
            frames += 999;
          } else {
            agent.sendText("text frame");
          }
        } catch {
          // Sending on a socket the hub just closed; that is the hub doing its job.
        }
      }
      await Promise.race([agent.waitClosed().catch(() => undefined), delay(300)]);
      if (agent.closed) {
        closedByHub++;
        closeCodes.set(agent.closed.code, (closeCodes.get(agent.closed.code) ?? 0) + 1);
      }
      agent.close();
    };
    for (let n = 0; n < SESSIONS; n += 5) {
      await Promise.all([0, 1, 2, 3, 4].map((k) => session(n + k)));
      sampleRss();
    }
    t.diagnostic(
      `authenticated sessions: ${SESSIONS}, frames sent: ${frames} (floods of 1000 included), closed by the hub: ${closedByHub}, close codes ${JSON.stringify(Object.fromEntries(closeCodes))}`,
    );
    await assertHealthy();
  });

  it("keeps its memory bounded and the bystander connected afterwards", async (t) => {
    await waitFor(() => hub.logs.some((l) => l.message === "ending agent session"), {
      what: "the hub to have ended abusive sessions",
    });
    sampleRss();
    const [first = 0] = rss;
    const peak = Math.max(...rss);
    t.diagnostic(
      `hub RSS: ${(first / 1024).toFixed(0)} MB at start, peak ${(peak / 1024).toFixed(0)} MB, last ${((rss.at(-1) ?? 0) / 1024).toFixed(0)} MB over ${rss.length} samples`,
    );
    assert.ok(
      peak - first < 300 * 1024,
      `hub RSS grew by ${((peak - first) / 1024).toFixed(0)} MB`,
    );
    assert.ok(
      hub.logs.every((l) => !(l.message === "agent disconnected" && l["node"] === "bystander")),
      "the hub never dropped the bystander",
    );
    await assertHealthy();
  });
});

// A worker process of the hub-scale benchmark: joins its share of the simulated nodes through
// the hub's POST /join, then keeps one SimAgent session per node. It takes commands from the
// parent over IPC and sends its counters back four times a second.
import { request } from "node:http";
import { Agent as HttpAgent } from "node:http";
import { setTimeout as delay } from "node:timers/promises";
import { HubAgentCodec } from "../proto/hub-agent-codec.js";
import { SimAgent, type SimCounters } from "./sim-agent.js";

export type WorkerCommand =
  | { type: "start"; hubUrl: string; joinToken: string; nodeNames: string[] }
  /** Counting starts over (before the hub is killed, say). */
  | { type: "mark" }
  | { type: "stop" };

export interface WorkerReport {
  type: "report";
  joined: number;
  /** Agents whose current session is past Welcome. */
  connected: number;
  /** Pods the agents hold now. */
  pods: number;
  counters: SimCounters;
}

const JOIN_CONCURRENCY = 32;
/** New connections per 100 ms when the fleet first comes up, as nodes booting over minutes would. */
const CONNECTS_PER_TICK = 500;

const counters: SimCounters = { welcomed: 0, podsAdded: 0, podsRemoved: 0 };
const agents: SimAgent[] = [];
let joined = 0;

async function join(httpUrl: string, joinToken: string, nodeName: string, agent: HttpAgent) {
  const body = JSON.stringify({ nodeName });
  return new Promise<string>((resolve, reject) => {
    const req = request(
      `${httpUrl}/join`,
      {
        method: "POST",
        agent,
        headers: {
          authorization: `Bearer ${joinToken}`,
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          if (res.statusCode !== 200) {
            reject(new Error(`join of ${nodeName}: HTTP ${res.statusCode}: ${text}`));
            return;
          }
          resolve((JSON.parse(text) as { credential: string }).credential);
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function start(command: Extract<WorkerCommand, { type: "start" }>): Promise<void> {
  const codec = new HubAgentCodec();
  const httpUrl = command.hubUrl.replace(/^ws/, "http");
  const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: JOIN_CONCURRENCY });
  const queue = [...command.nodeNames];
  const credentials = new Map<string, string>();
  await Promise.all(
    Array.from({ length: JOIN_CONCURRENCY }, async () => {
      for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
        credentials.set(name, await join(httpUrl, command.joinToken, name, httpAgent));
        joined++;
      }
    }),
  );
  httpAgent.destroy();
  const settings = { hubUrl: command.hubUrl, codec, heartbeatMs: 10_000, counters };
  for (const name of command.nodeNames) {
    agents.push(new SimAgent(name, credentials.get(name) ?? "", settings));
  }
  for (let i = 0; i < agents.length; i += CONNECTS_PER_TICK) {
    for (const agent of agents.slice(i, i + CONNECTS_PER_TICK)) agent.connect();
    await delay(100);
  }
}

function report(): void {
  let connected = 0;
  let pods = 0;
  for (const a of agents) {
    if (a.welcomed) connected++;
    pods += a.podUids.length;
  }
  const message: WorkerReport = { type: "report", joined, connected, pods, counters };
  process.send?.(message);
}

process.on("message", (command: WorkerCommand) => {
  switch (command.type) {
    case "start":
      start(command).catch((error: unknown) => {
        console.error(String(error));
        process.exit(1);
      });
      return;
    case "mark":
      Object.assign(counters, { welcomed: 0, podsAdded: 0, podsRemoved: 0 });
      report();
      return;
    case "stop":
      for (const a of agents) a.stop();
      process.exit(0);
  }
});
setInterval(report, 250);

// One simulated agent for the hub-scale benchmark: the real agent protocol over a real WebSocket
// (join, Hello, acks, pod status, heartbeats, reconnects with the agent's own back-off), with a
// fake runtime in which every assigned pod is Running and Ready shortly after it arrives.
import type { Pod } from "kubernetes-types/core/v1.js";
import { WebSocket } from "ws";
import type { HubAgentCodec } from "../proto/hub-agent-codec.js";
import { PROTOCOL_VERSION, type ReceivedPod } from "../proto/hub-agent-frames.js";
import { ReconnectBackoff, isRefused } from "../agent/hub-client/reconnect-backoff.js";
import { HANDSHAKE_TIMEOUT_MS } from "../agent/hub-client/hub-connection.js";

/** What the simulated runtime takes to start or stop a container, in ms (uniform in the range). */
const RUNTIME_MS: readonly [number, number] = [20, 120];

export interface SimCounters {
  /** Sessions opened past Welcome, since the last mark. */
  welcomed: number;
  /** Pods assigned in a snapshot or delta that the agent did not have (new pods). */
  podsAdded: number;
  /** Pods taken away by a snapshot or delta. */
  podsRemoved: number;
}

export interface SimSettings {
  hubUrl: string;
  codec: HubAgentCodec;
  heartbeatMs: number;
  counters: SimCounters;
}

export class SimAgent {
  private socket?: WebSocket;
  private readonly backoff = new ReconnectBackoff();
  private readonly pods = new Map<string, ReceivedPod>();
  /** When each pod's container started: a resent status says the same as the first one. */
  private readonly startedAt = new Map<string, string>();
  private version = 0;
  private heartbeat?: NodeJS.Timeout;
  private connectedAt = 0;
  private stopped = false;
  /** A Welcome arrived on the current socket. */
  welcomed = false;

  constructor(
    readonly nodeName: string,
    private readonly credential: string,
    private readonly settings: SimSettings,
  ) {}

  get podUids(): string[] {
    return [...this.pods.keys()];
  }

  connect(): void {
    if (this.stopped) return;
    const socket = new WebSocket(`${this.settings.hubUrl}/agent`, {
      headers: { authorization: `Bearer ${this.credential}` },
      perMessageDeflate: false,
      handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
    });
    this.socket = socket;
    this.welcomed = false;
    socket.binaryType = "nodebuffer";
    socket.on("open", () => {
      this.connectedAt = Date.now();
      this.send({
        kind: "hello",
        hello: {
          protocolVersion: PROTOCOL_VERSION,
          nodeName: this.nodeName,
          agentVersion: "sim",
          labels: {},
          capacity: { cpu: "2", memory: "4Gi", pods: "110" },
          allocatable: { cpu: "2", memory: "4Gi", pods: "110" },
          addresses: [{ type: "InternalIP", address: "127.0.0.1" }],
          nodeInfo: {
            osImage: "sim",
            kernelVersion: "6.1",
            architecture: "amd64",
            containerRuntimeVersion: "sim://1",
          },
          runningPodUids: this.podUids,
          lastAppliedVersion: this.version,
          taints: [],
        },
      });
    });
    socket.on("message", (data: Buffer) => this.onFrame(data));
    let failure: unknown;
    socket.on("error", (error) => (failure ??= error));
    socket.on("close", () => this.onClose(isRefused(failure)));
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.heartbeat);
    this.socket?.terminate();
  }

  private onFrame(data: Buffer): void {
    const frame = this.settings.codec.decodeHubFrame(data);
    switch (frame.kind) {
      case "welcome":
        this.welcomed = true;
        this.settings.counters.welcomed++;
        this.sendHeartbeat();
        clearInterval(this.heartbeat);
        // Spread over the interval, as a fleet's agents are.
        setTimeout(() => {
          if (this.socket?.readyState !== WebSocket.OPEN) return;
          this.sendHeartbeat();
          this.heartbeat = setInterval(() => this.sendHeartbeat(), this.settings.heartbeatMs);
        }, Math.random() * this.settings.heartbeatMs);
        return;
      case "snapshot": {
        const next = new Map(frame.pods.map((p) => [p.uid, p]));
        const removed = this.podUids.filter((uid) => !next.has(uid));
        this.applied(frame.version, frame.pods, removed, true);
        return;
      }
      case "delta":
        this.applied(frame.version, frame.upserts, frame.removedUids, false);
        return;
      case "error":
        return;
    }
  }

  private applied(
    version: number,
    upserts: ReceivedPod[],
    removed: string[],
    resendAll: boolean,
  ): void {
    this.version = version;
    this.send({ kind: "ack", version });
    const added = upserts.filter((p) => !this.pods.has(p.uid));
    for (const pod of upserts) this.pods.set(pod.uid, pod);
    for (const uid of removed) {
      this.pods.delete(uid);
      this.startedAt.delete(uid);
    }
    this.settings.counters.podsAdded += added.length;
    this.settings.counters.podsRemoved += removed.length;
    // After a (re)connect the agent sends every pod's status again; new pods once they run.
    const report = resendAll ? [...this.pods.values()] : added;
    if (report.length > 0 || removed.length > 0) {
      setTimeout(() => this.reportStatus(report, removed), runtimeDelay());
    }
  }

  private reportStatus(pods: ReceivedPod[], gone: string[]): void {
    const current = pods.filter((p) => this.pods.has(p.uid));
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
    for (const p of current) if (!this.startedAt.has(p.uid)) this.startedAt.set(p.uid, now);
    this.send({
      kind: "podStatus",
      pods: current.map((p) => runningPod(p, this.startedAt.get(p.uid) ?? now)),
      goneUids: gone,
    });
  }

  private sendHeartbeat(): void {
    const now = new Date().toISOString();
    this.send({
      kind: "heartbeat",
      heartbeat: {
        time: now,
        // The real agent's reasons (agent/node/node-conditions.ts): the hub writes a node only
        // when a condition's status or reason changes.
        conditions: [
          { type: "MemoryPressure", status: "False", reason: "AgentHasSufficientMemory" },
          { type: "DiskPressure", status: "False", reason: "AgentHasNoDiskPressure" },
          { type: "PIDPressure", status: "False", reason: "AgentHasSufficientPID" },
          { type: "Ready", status: "True", reason: "AgentReady" },
        ],
      },
    });
  }

  private send(frame: Parameters<HubAgentCodec["encodeAgentFrame"]>[0]): void {
    if (this.socket?.readyState !== WebSocket.OPEN) return;
    this.socket.send(this.settings.codec.encodeAgentFrame(frame));
  }

  private onClose(refused: boolean): void {
    clearInterval(this.heartbeat);
    this.welcomed = false;
    if (this.stopped) return;
    const lastedMs = this.connectedAt ? Date.now() - this.connectedAt : 0;
    this.backoff.connectionEnded({ lastedMs, refused });
    this.connectedAt = 0;
    setTimeout(() => this.connect(), this.backoff.nextDelayMs());
  }
}

function runtimeDelay(): number {
  const [low, high] = RUNTIME_MS;
  return low + Math.random() * (high - low);
}

/** The status a real agent reports for a pod whose one container runs and is ready. */
function runningPod(pod: ReceivedPod, since: string): Pod {
  const spec = pod.spec as { containers?: { name?: string; image?: string }[] } | undefined;
  const conditions = ["PodScheduled", "Initialized", "ContainersReady", "Ready"].map((type) => ({
    type,
    status: "True",
    lastTransitionTime: since,
  }));
  return {
    metadata: { uid: pod.uid, name: pod.name, namespace: pod.namespace },
    status: {
      phase: "Running",
      conditions,
      hostIP: "127.0.0.1",
      podIP: "127.0.0.1",
      startTime: since,
      containerStatuses: (spec?.containers ?? []).map((c) => ({
        name: c.name ?? "",
        image: c.image ?? "",
        imageID: "",
        ready: true,
        started: true,
        restartCount: 0,
        state: { running: { startedAt: since } },
      })),
    },
  };
}

// One WebSocket connection from the agent to its hub, from the Hello to the close: the agent
// side of hub_agent.proto. What outlives a connection (the pod set, what status was sent, the
// back-off) belongs to HubClient, which this reports to.
import type { IncomingMessage } from "node:http";
import { WebSocket } from "ws";
import type { Logger } from "winston";
import type { HubAgentCodec } from "../../proto/hub-agent-codec.js";
import {
  PROTOCOL_VERSION,
  ProtocolError,
  isProtocolError,
  type AgentFrame,
  type AgentHello,
  type HeartbeatCondition,
  type HubFrame,
  type ReceivedPod,
} from "../../proto/hub-agent-frames.js";

/** Until the hub's Welcome says otherwise. */
const DEFAULT_HEARTBEAT_INTERVAL_SECONDS = 10;
/** A hub silent (no frame, no ping) for this many heartbeat intervals is taken for gone. */
const SILENT_HUB_INTERVALS = 3;
/** How long the TCP connect and the HTTP upgrade may take, together. */
export const HANDSHAKE_TIMEOUT_MS = 10_000;
const CLOSE_GRACE_MS = 1000;

export interface ConnectionEnd {
  /** How long the connection was open; 0 when it never opened. */
  lastedMs: number;
  /** Why the hub turned the agent away: an ErrorFrame, or HTTP 401 for the token. */
  refusal?: ProtocolError;
  /**
   * Why the connection failed, when the hub did not say: unreachable, reset, or a ProtocolError
   * for a hub frame this agent cannot follow.
   */
  failure?: Error;
}

export interface ConnectionHandlers {
  hello(): AgentHello;
  conditions(): HeartbeatCondition[];
  welcomed(): void;
  /** Resolves true once the pod set is applied and stored, which is when the agent acks it. */
  snapshot(version: number, pods: ReceivedPod[]): Promise<boolean>;
  delta(version: number, upserts: ReceivedPod[], removedUids: string[]): Promise<boolean>;
  closed(end: ConnectionEnd): void;
}

export interface ConnectionSettings {
  url: string;
  /** This node's credential. */
  bearer: string;
  /** The hub's CA (PEM), the only one trusted for wss://. */
  ca?: string;
  codec: HubAgentCodec;
  logger: Logger;
  maxFrameBytes: number;
}

export class HubConnection {
  private readonly socket: WebSocket;
  private openedAt?: number;
  private lastHeard = Date.now();
  private welcomed = false;
  private lastVersion?: number;
  private heartbeatTimer?: NodeJS.Timeout;
  private refusal?: ProtocolError;
  private failure?: Error;
  /** What the hub said it understands beyond protocol version 1 (Welcome.features). */
  features: ReadonlySet<string> = new Set();

  constructor(
    private readonly settings: ConnectionSettings,
    private readonly handlers: ConnectionHandlers,
  ) {
    this.socket = new WebSocket(settings.url, {
      headers: { Authorization: `Bearer ${settings.bearer}` },
      ...(settings.ca === undefined ? {} : { ca: settings.ca }),
      maxPayload: settings.maxFrameBytes,
      handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
    });
    this.socket.on("open", () => this.guard(() => this.onOpen()));
    this.socket.on("unexpected-response", (_req, res) => this.onRefusedUpgrade(res));
    this.socket.on("message", (data, isBinary) => this.guard(() => this.onMessage(data, isBinary)));
    this.socket.on("ping", () => (this.lastHeard = Date.now()));
    this.socket.on("error", (error) => (this.failure ??= error));
    this.socket.on("close", () => this.onClose());
  }

  /** Past the hub's Welcome, with the socket open: frames other than Hello may be sent. */
  get established(): boolean {
    return this.welcomed && this.socket.readyState === WebSocket.OPEN;
  }

  send(frame: AgentFrame): void {
    if (this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(this.settings.codec.encodeAgentFrame(frame));
    }
  }

  /** Resolves once the socket has closed (and `closed` has been called). */
  close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      // A hub that does not answer the close handshake would hold the agent's shutdown.
      const force = setTimeout(() => this.socket.terminate(), CLOSE_GRACE_MS);
      this.socket.once("close", () => {
        clearTimeout(force);
        resolve();
      });
      // Closing a socket that is still connecting aborts it; ws reports that as an error.
      if (this.socket.readyState === WebSocket.CONNECTING) this.socket.terminate();
      else this.socket.close(1000, "agent stopping");
    });
  }

  /** A frame the agent cannot make sense of ends the connection; the next one starts clean. */
  private guard(handler: () => void): void {
    try {
      handler();
    } catch (error) {
      this.failure = error instanceof Error ? error : new Error(String(error));
      this.socket.close(isProtocolError(error) ? 1002 : 1011);
    }
  }

  private onOpen(): void {
    this.openedAt = Date.now();
    this.lastHeard = this.openedAt;
    this.send({ kind: "hello", hello: this.handlers.hello() });
  }

  private onRefusedUpgrade(res: IncomingMessage): void {
    const status = res.statusCode ?? 0;
    this.refusal =
      status === 401
        ? new ProtocolError(
            "Unauthenticated",
            "the hub refused this node's credential (HTTP 401): was the node revoked?",
          )
        : new ProtocolError(
            "UpgradeRefused",
            `the hub answered HTTP ${status} instead of opening a WebSocket: is ${this.settings.url} a daemonlet hub?`,
          );
    // ws leaves a refused handshake to us; terminating it is what ends it.
    this.socket.terminate();
  }

  private onMessage(data: unknown, isBinary: boolean): void {
    this.lastHeard = Date.now();
    // Once the agent has decided to close, what the hub still sends no longer counts.
    if (this.socket.readyState !== WebSocket.OPEN) return;
    if (!isBinary || !(data instanceof Uint8Array)) {
      throw new ProtocolError("MalformedFrame", "the hub sent a text frame");
    }
    this.onFrame(this.settings.codec.decodeHubFrame(data));
  }

  private onFrame(frame: HubFrame<ReceivedPod>): void {
    if (frame.kind === "error") {
      // The hub closes the connection after it; the close reports the refusal.
      this.refusal = new ProtocolError(frame.code, frame.message);
      return;
    }
    if (frame.kind === "welcome") {
      this.features = new Set(frame.features);
      return this.onWelcome(frame.protocolVersion, frame.heartbeatIntervalSeconds);
    }
    if (!this.welcomed) {
      throw new ProtocolError("MalformedFrame", `the hub sent ${frame.kind} before Welcome`);
    }
    if (frame.kind === "snapshot") {
      this.lastVersion = frame.version;
      this.ackOnceStored(frame.version, this.handlers.snapshot(frame.version, frame.pods));
      return;
    }
    if (this.lastVersion === undefined || frame.version !== this.lastVersion + 1) {
      const after =
        this.lastVersion === undefined ? "before any snapshot" : `after ${this.lastVersion}`;
      throw new ProtocolError("MalformedFrame", `the hub sent delta ${frame.version} ${after}`);
    }
    this.lastVersion = frame.version;
    const { version, upserts, removedUids } = frame;
    this.ackOnceStored(version, this.handlers.delta(version, upserts, removedUids));
  }

  private onWelcome(protocolVersion: number, heartbeatIntervalSeconds: number): void {
    if (this.welcomed) throw new ProtocolError("MalformedFrame", "the hub sent a second Welcome");
    if (protocolVersion !== PROTOCOL_VERSION) {
      throw new ProtocolError(
        "VersionMismatch",
        `hub speaks protocol version ${protocolVersion}, this agent speaks ${PROTOCOL_VERSION}`,
      );
    }
    this.welcomed = true;
    const intervalMs = (heartbeatIntervalSeconds || DEFAULT_HEARTBEAT_INTERVAL_SECONDS) * 1000;
    this.heartbeatTimer = setInterval(() => this.beat(intervalMs), intervalMs);
    this.handlers.welcomed();
  }

  private ackOnceStored(version: number, stored: Promise<boolean>): void {
    void stored.then((ok) => {
      if (ok) this.send({ kind: "ack", version });
    });
  }

  /** A heartbeat out of turn: the node's conditions changed and the hub should know now. */
  heartbeatNow(): void {
    if (this.welcomed) this.guard(() => this.sendHeartbeat());
  }

  private sendHeartbeat(): void {
    this.send({
      kind: "heartbeat",
      heartbeat: { time: new Date().toISOString(), conditions: this.handlers.conditions() },
    });
  }

  private beat(intervalMs: number): void {
    if (Date.now() - this.lastHeard > SILENT_HUB_INTERVALS * intervalMs) {
      this.failure = new Error(
        `the hub has been silent for ${SILENT_HUB_INTERVALS} heartbeat intervals`,
      );
      // No close handshake: a silent hub would not answer it.
      this.socket.terminate();
      return;
    }
    this.guard(() => this.sendHeartbeat());
  }

  private onClose(): void {
    clearInterval(this.heartbeatTimer);
    this.welcomed = false;
    this.handlers.closed({
      lastedMs: this.openedAt === undefined ? 0 : Date.now() - this.openedAt,
      ...(this.refusal === undefined ? {} : { refusal: this.refusal }),
      ...(this.failure === undefined ? {} : { failure: this.failure }),
    });
  }
}

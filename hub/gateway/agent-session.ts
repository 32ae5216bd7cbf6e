// One agent's WebSocket session on the hub: the Hello handshake, the node's pod set (snapshot on
// connect, deltas after), acks, status and heartbeats in, liveness by ping/pong. Anything wrong
// with the peer ends this session with an ErrorFrame and never reaches beyond it.
import type { WebSocket } from "ws";
import type { Logger } from "winston";
import type { HubAgentCodec } from "../../proto/hub-agent-codec.js";
import {
  HUB_FEATURES,
  PROTOCOL_VERSION,
  ProtocolError,
  isProtocolError,
  type AgentFrame,
  type AgentHello,
  type HubFrame,
  type ProtocolErrorCode,
} from "../../proto/hub-agent-frames.js";
import type { GatewayBackend } from "./backend.js";
import { diffPodSet, isEmptyDiff, type SentPodSet } from "./pod-set-diff.js";

export interface SessionSettings {
  backend: GatewayBackend;
  codec: HubAgentCodec;
  logger: Logger;
  hubVersion: string;
  maxFrameBytes: number;
  heartbeatIntervalSeconds: number;
  heartbeatTimeoutMs: number;
  helloTimeoutMs: number;
  /** Makes this session the node's only one; an earlier session for the node is replaced. */
  claim(session: AgentSession): void;
  /** Ends this session's claim; false when a newer session for the node has taken over. */
  release(session: AgentSession): boolean;
  /** Runs a Hello's work (the node's registration, Welcome, snapshot) when the hub gets to it. */
  admit(work: () => void): void;
}

/** What the hub can tell about a connected agent (metrics, the CLI). */
export interface ConnectedNode {
  nodeName: string;
  agentVersion: string;
  remoteAddress: string;
  connectedAt: Date;
  /** Version of the last snapshot or delta sent in this session. */
  sentVersion: number;
  /** Highest version the agent has acknowledged; 0 before its first Ack. */
  ackedVersion: number;
}

// WebSocket close codes (RFC 6455 §7.4.1) that go with each ErrorFrame, for peers that look at
// the close alone.
const CLOSE_CODES: Record<ProtocolErrorCode, number> = {
  Unauthenticated: 1008,
  VersionMismatch: 1002,
  FrameTooLarge: 1009,
  MalformedFrame: 1002,
  Replaced: 1008,
  Internal: 1011,
};
function isOurCode(code: string): code is ProtocolErrorCode {
  return Object.hasOwn(CLOSE_CODES, code);
}

/** A peer that leaves this many full frames unread is too slow to keep up, and is dropped. */
const SLOW_PEER_FRAMES = 4;
const NODE_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

export class AgentSession {
  private hello?: AgentHello;
  private sent: SentPodSet = new Map();
  private sentVersion = 0;
  private ackedVersion = 0;
  private snapshotSent = false;
  /** Frames that came after the Hello while it waits to be admitted; undefined once it is. */
  private held?: [data: unknown, isBinary: boolean][];
  private lastHeard = Date.now();
  /** When a frame last went to the agent: it tells the agent the hub is alive as a ping does. */
  private lastSent = 0;
  private ended = false;
  private readonly connectedAt = new Date();
  private readonly helloTimer: NodeJS.Timeout;
  private readonly livenessTimer: NodeJS.Timeout;

  /**
   * @param identity the node this connection's credential belongs to: the only node it may say
   *   Hello as, and so the only one whose pods it reads and whose status it writes.
   */
  constructor(
    private readonly socket: WebSocket,
    private readonly remoteAddress: string,
    readonly identity: string,
    private readonly settings: SessionSettings,
  ) {
    this.helloTimer = setTimeout(
      () => this.end("MalformedFrame", `no Hello within ${settings.helloTimeoutMs} ms`),
      settings.helloTimeoutMs,
    );
    this.livenessTimer = setInterval(() => this.checkLiveness(), settings.heartbeatTimeoutMs / 3);
    socket.on("message", (data, isBinary) => this.guard(() => this.onMessage(data, isBinary)));
    socket.on("pong", () => (this.lastHeard = Date.now()));
    socket.on("error", (error) => this.onSocketError(error));
    socket.on("close", () => this.onClose());
  }

  get nodeName(): string | undefined {
    return this.hello?.nodeName;
  }

  info(): ConnectedNode | undefined {
    if (!this.hello) return undefined;
    return {
      nodeName: this.hello.nodeName,
      agentVersion: this.hello.agentVersion,
      remoteAddress: this.remoteAddress,
      connectedAt: this.connectedAt,
      sentVersion: this.sentVersion,
      ackedVersion: this.ackedVersion,
    };
  }

  /** The node's pod set may have changed: send what differs from what this session sent. */
  syncPods(): void {
    this.guard(() => this.sendPods("delta"));
  }

  /** A newer connection for the same node took over. */
  replace(): void {
    this.end("Replaced", "another connection for this node name has taken over the session");
  }

  /** The node's credential was revoked. */
  revoke(): void {
    this.guard(() => {
      throw new ProtocolError("Unauthenticated", "this node's credential was revoked");
    });
  }

  /** Hub shutdown: no ErrorFrame, the agent reconnects to the next hub. Resolves once closed. */
  shutdown(graceMs: number): Promise<void> {
    this.ended = true;
    if (this.socket.readyState === this.socket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const force = setTimeout(() => this.socket.terminate(), graceMs);
      this.socket.once("close", () => {
        clearTimeout(force);
        resolve();
      });
      this.socket.close(1001, "hub shutting down");
    });
  }

  /** Runs a handler; a protocol violation or a backend failure ends this session, nothing more. */
  private guard(handler: () => void): void {
    try {
      handler();
    } catch (error) {
      if (isProtocolError(error) && isOurCode(error.code)) {
        this.end(error.code, error.message);
        return;
      }
      this.settings.logger.error("agent session failed", {
        node: this.nodeName,
        remote: this.remoteAddress,
        error: String(error),
      });
      this.end("Internal", "the hub failed while serving this session; retry later");
    }
  }

  private onMessage(data: unknown, isBinary: boolean): void {
    this.lastHeard = Date.now();
    if (this.ended) return;
    if (this.held) {
      this.held.push([data, isBinary]);
      return;
    }
    if (!isBinary || !(data instanceof Uint8Array)) {
      throw new ProtocolError("MalformedFrame", "frames are binary protobuf, not text");
    }
    this.onFrame(this.settings.codec.decodeAgentFrame(data));
  }

  private onFrame(frame: AgentFrame): void {
    const { backend } = this.settings;
    if (frame.kind === "hello") return this.onHello(frame.hello);
    const node = this.nodeName;
    if (node === undefined) {
      throw new ProtocolError("MalformedFrame", `the first frame must be Hello, not ${frame.kind}`);
    }
    switch (frame.kind) {
      case "ack":
        if (frame.version > this.sentVersion) {
          const what = `Ack of version ${frame.version}, which was never sent`;
          throw new ProtocolError("MalformedFrame", what);
        }
        this.ackedVersion = Math.max(this.ackedVersion, frame.version);
        return;
      case "podStatus":
        return backend.podStatuses(node, frame.pods, frame.goneUids, (error) =>
          this.guard(() => {
            throw error;
          }),
        );
      case "heartbeat":
        return backend.heartbeat(node, frame.heartbeat);
      case "usage":
        return backend.usage(node, frame.usage);
    }
  }

  private onHello(hello: AgentHello): void {
    if (this.hello) throw new ProtocolError("MalformedFrame", "a second Hello in one session");
    if (hello.protocolVersion !== PROTOCOL_VERSION) {
      throw new ProtocolError(
        "VersionMismatch",
        `agent speaks protocol version ${hello.protocolVersion}, this hub speaks ${PROTOCOL_VERSION}: upgrade the older of the two`,
      );
    }
    if (hello.nodeName.length > 253 || !NODE_NAME.test(hello.nodeName)) {
      throw new ProtocolError(
        "MalformedFrame",
        `node name ${JSON.stringify(hello.nodeName)} is not a DNS subdomain`,
      );
    }
    if (hello.nodeName !== this.identity) {
      throw new ProtocolError(
        "Unauthenticated",
        `this credential belongs to node ${this.identity}, not ${hello.nodeName}`,
      );
    }
    clearTimeout(this.helloTimer);
    this.hello = hello;
    // Versions continue from what the agent applied last, so they only grow from its side.
    this.sentVersion = hello.lastAppliedVersion;
    // Reading pauses until the Hello is admitted; what was already read waits with it, in order.
    this.held = [];
    this.socket.pause();
    this.settings.admit(() => this.admitted(hello));
  }

  private admitted(hello: AgentHello): void {
    this.guard(() => this.welcome(hello));
    const held = this.held ?? [];
    this.held = undefined;
    this.socket.resume();
    for (const [data, isBinary] of held) this.guard(() => this.onMessage(data, isBinary));
  }

  private welcome(hello: AgentHello): void {
    if (this.ended) return;
    this.settings.claim(this);
    this.settings.backend.agentConnected(hello);
    this.settings.logger.info("agent connected", {
      node: hello.nodeName,
      agentVersion: hello.agentVersion,
      remote: this.remoteAddress,
      lastAppliedVersion: hello.lastAppliedVersion,
    });
    this.send({
      kind: "welcome",
      protocolVersion: PROTOCOL_VERSION,
      hubVersion: this.settings.hubVersion,
      heartbeatIntervalSeconds: this.settings.heartbeatIntervalSeconds,
      features: [...HUB_FEATURES],
    });
    this.sendPods("snapshot");
  }

  private sendPods(kind: "snapshot" | "delta"): void {
    const node = this.nodeName;
    if (node === undefined || this.ended) return;
    // A change the backend signals while the session starts (even from agentConnected) is in
    // the snapshot, which reads the pods after it; a delta before it would be out of order.
    if (kind === "delta" && !this.snapshotSent) return;
    const diff = diffPodSet(this.sent, this.settings.backend.podsForNode(node));
    if (kind === "delta" && isEmptyDiff(diff)) return;
    const version = this.sentVersion + 1;
    const frame: HubFrame =
      kind === "snapshot"
        ? { kind, version, pods: diff.upserts }
        : { kind, version, upserts: diff.upserts, removedUids: diff.removedUids };
    if (!this.send(frame)) return;
    this.snapshotSent = true;
    this.sent = diff.next;
    this.sentVersion = version;
  }

  /** False when the frame could not be sent (the session is ending or has just been ended). */
  private send(frame: HubFrame): boolean {
    if (this.ended || this.socket.readyState !== this.socket.OPEN) return false;
    const data = this.settings.codec.encodeHubFrame(frame);
    const { maxFrameBytes, logger } = this.settings;
    if (data.length > maxFrameBytes) {
      logger.error("frame for agent is over the frame size limit; ending the session", {
        node: this.nodeName,
        frame: frame.kind,
        bytes: data.length,
        maxFrameBytes,
      });
      const what = `the ${frame.kind} for this node is ${data.length} bytes, over the ${maxFrameBytes}-byte frame limit`;
      this.end("FrameTooLarge", what);
      return false;
    }
    if (this.socket.bufferedAmount > SLOW_PEER_FRAMES * maxFrameBytes) {
      logger.warn("agent is not reading its frames; dropping the session", {
        node: this.nodeName,
        remote: this.remoteAddress,
        bufferedBytes: this.socket.bufferedAmount,
      });
      this.ended = true;
      this.socket.terminate();
      return false;
    }
    this.socket.send(data);
    this.lastSent = Date.now();
    return true;
  }

  /** Sends the ErrorFrame, then closes; later frames from the peer are ignored. */
  private end(code: ProtocolErrorCode, message: string): void {
    if (this.ended) return;
    const log = code === "Replaced" ? "info" : "warn";
    this.settings.logger[log]("ending agent session", {
      node: this.nodeName,
      remote: this.remoteAddress,
      code,
      reason: message,
    });
    this.send({ kind: "error", code, message });
    this.ended = true;
    this.socket.close(CLOSE_CODES[code], code);
  }

  private checkLiveness(): void {
    const now = Date.now();
    const silentMs = now - this.lastHeard;
    if (silentMs <= this.settings.heartbeatTimeoutMs) {
      // A frame sent lately did a ping's work: the agent heard the hub, and it answers snapshots
      // and deltas with an Ack as it would a ping with a pong. Ten thousand pings every interval
      // were a steady twentieth of the hub's time. "Lately" is half a check interval, so the
      // agent never goes more than one and a half intervals without hearing from the hub.
      const sentLately = now - this.lastSent < this.settings.heartbeatTimeoutMs / 6;
      if (!sentLately && this.socket.readyState === this.socket.OPEN) this.socket.ping();
      return;
    }
    this.settings.logger.warn("agent silent; dropping the session", {
      node: this.nodeName,
      remote: this.remoteAddress,
      silentMs,
    });
    this.ended = true;
    // No close handshake: a silent peer would not answer it either.
    this.socket.terminate();
  }

  private onSocketError(error: Error): void {
    // ws closes the connection itself after an error (an oversized frame gets close code 1009).
    this.settings.logger.warn("agent connection error", {
      node: this.nodeName,
      remote: this.remoteAddress,
      error: error.message,
    });
  }

  private onClose(): void {
    this.ended = true;
    clearTimeout(this.helloTimer);
    clearInterval(this.livenessTimer);
    const node = this.nodeName;
    if (node === undefined || !this.settings.release(this)) return;
    const { logger, backend } = this.settings;
    logger.info("agent disconnected", { node, remote: this.remoteAddress });
    try {
      backend.agentDisconnected(node);
    } catch (error) {
      // Thrown from a socket event, it would bring the hub down.
      logger.error("recording the agent's disconnection failed", { node, error: String(error) });
    }
  }
}

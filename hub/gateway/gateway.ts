// The hub's agent gateway: WebSocket sessions with agents on the hub's HTTP server, path /agent.
// It authenticates each agent before the WebSocket opens, keeps one session per node name, and
// fans the backend's assignment changes out to the sessions of the nodes they touch.
import type { IncomingMessage, Server as HttpServer } from "node:http";
import { STATUS_CODES } from "node:http";
import type { Server as HttpsServer } from "node:https";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import type { Logger } from "winston";
import { HubAgentCodec } from "../../proto/hub-agent-codec.js";
import { AgentSession, type ConnectedNode } from "./agent-session.js";
import { SliceQueue } from "./slice-queue.js";
import type { GatewayBackend } from "./backend.js";

export type { ConnectedNode } from "./agent-session.js";
export type { GatewayBackend } from "./backend.js";

export const AGENT_PATH = "/agent";
export const DEFAULT_MAX_FRAME_BYTES = 4 * 1024 * 1024;
/** DESIGN.md §3: agents heartbeat every 10 s. */
export const DEFAULT_HEARTBEAT_INTERVAL_SECONDS = 10;
const DEFAULT_HELLO_TIMEOUT_MS = 10_000;
/** How long agents get to answer the close handshake when the hub shuts down. */
const SHUTDOWN_GRACE_MS = 1000;

export interface AgentGatewayOptions {
  /** The hub's HTTP(S) server; the gateway takes over its WebSocket upgrades. */
  server: HttpServer | HttpsServer;
  backend: GatewayBackend;
  logger: Logger;
  /** Largest frame accepted or sent, in bytes; 4 MiB by default. */
  maxFrameBytes?: number;
  /** How often agents send heartbeats (told in Welcome); 10 s by default. */
  heartbeatIntervalSeconds?: number;
  /**
   * An agent that sends no frame and answers no ping for this long is dropped; three heartbeat
   * intervals by default.
   */
  heartbeatTimeoutMs?: number;
  /** How long a new connection has to send its Hello; 10 s by default. */
  helloTimeoutMs?: number;
  /** Sent to agents in Welcome, for their logs. */
  hubVersion?: string;
}

export interface AgentGateway {
  /** Closes every session (close code 1001) and stops accepting agents; the HTTP server stays. */
  close(): Promise<void>;
  /** Agents with a session (past their Hello), sorted by node name. */
  connectedNodes(): ConnectedNode[];
  /** The node's credential was revoked: its session ends now (ErrorFrame Unauthenticated). */
  revoke(nodeName: string): void;
}

export function startAgentGateway(opts: AgentGatewayOptions): AgentGateway {
  const { server, backend, logger } = opts;
  const maxFrameBytes = opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  const heartbeatIntervalSeconds =
    opts.heartbeatIntervalSeconds ?? DEFAULT_HEARTBEAT_INTERVAL_SECONDS;
  const byNode = new Map<string, AgentSession>();
  const connections = new Set<AgentSession>();
  // ws refuses a larger frame from its header, before reading it, and closes with 1009.
  const wss = new WebSocketServer({ noServer: true, maxPayload: maxFrameBytes });
  const hellos = new SliceQueue((error) =>
    logger.error("admitting an agent failed", { error: String(error) }),
  );
  const settings = {
    backend,
    logger,
    codec: new HubAgentCodec(),
    hubVersion: opts.hubVersion ?? "",
    maxFrameBytes,
    heartbeatIntervalSeconds,
    heartbeatTimeoutMs: opts.heartbeatTimeoutMs ?? 3 * heartbeatIntervalSeconds * 1000,
    helloTimeoutMs: opts.helloTimeoutMs ?? DEFAULT_HELLO_TIMEOUT_MS,
    claim(session: AgentSession): void {
      const name = session.nodeName;
      if (name === undefined) return;
      const previous = byNode.get(name);
      byNode.set(name, session);
      // The newer connection wins: the older one is most often a half-open leftover.
      if (previous !== undefined && previous !== session) previous.replace();
    },
    release(session: AgentSession): boolean {
      const name = session.nodeName;
      if (name === undefined || byNode.get(name) !== session) return false;
      byNode.delete(name);
      return true;
    },
    admit: (work: () => void) => hellos.add(work),
  };

  const accept = (socket: WebSocket, req: IncomingMessage, identity: string): void => {
    const session = new AgentSession(socket, remoteAddressOf(req), identity, settings);
    connections.add(session);
    socket.once("close", () => connections.delete(session));
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    if (new URL(req.url ?? "/", "http://hub").pathname !== AGENT_PATH) {
      return refuse(socket, 404);
    }
    let identity: string | undefined;
    try {
      identity = backend.authenticate(bearerToken(req.headers.authorization));
    } catch (error) {
      logger.error("authenticating an agent failed", { error: String(error) });
      return refuse(socket, 503);
    }
    if (identity === undefined) {
      logger.warn("agent refused: missing, unknown or revoked credential", {
        remote: remoteAddressOf(req),
      });
      return refuse(socket, 401, { "WWW-Authenticate": "Bearer" });
    }
    const node = identity;
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws, req, node));
  };

  server.on("upgrade", onUpgrade);
  const unsubscribe = backend.onAssignmentsChanged((nodeName) => byNode.get(nodeName)?.syncPods());

  return {
    async close(): Promise<void> {
      server.off("upgrade", onUpgrade);
      unsubscribe();
      await Promise.all([...connections].map((s) => s.shutdown(SHUTDOWN_GRACE_MS)));
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
    connectedNodes(): ConnectedNode[] {
      return [...byNode.values()]
        .flatMap((s) => s.info() ?? [])
        .sort((a, b) => a.nodeName.localeCompare(b.nodeName));
    },
    revoke(nodeName: string): void {
      for (const session of connections) {
        if (session.identity === nodeName) session.revoke();
      }
    },
  };
}

export function bearerToken(header: string | undefined): string | undefined {
  return header?.match(/^Bearer +(\S+) *$/i)?.[1];
}

/** Answers an upgrade request with a plain HTTP error, as ws does for a failed handshake. */
function refuse(socket: Duplex, status: number, headers: Record<string, string> = {}): void {
  // The peer may reset the connection first; an unhandled socket error would end the hub.
  socket.on("error", () => socket.destroy());
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}`,
    "Connection: close",
    "Content-Length: 0",
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  socket.once("finish", () => socket.destroy());
  socket.end(`${lines.join("\r\n")}\r\n\r\n`);
}

function remoteAddressOf(req: IncomingMessage): string {
  const { remoteAddress, remotePort } = req.socket;
  return remoteAddress === undefined ? "unknown" : `${remoteAddress}:${remotePort ?? ""}`;
}

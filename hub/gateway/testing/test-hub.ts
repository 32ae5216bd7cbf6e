// A hub for tests: a real HTTP server on 127.0.0.1 with the agent gateway on it, and loggers
// that keep what was logged so tests can wait for a message instead of sleeping.
import { createServer, type Server } from "node:http";
import { Writable } from "node:stream";
import winston from "winston";
import { startAgentGateway, type AgentGateway, type AgentGatewayOptions } from "../gateway.js";
import { MemoryBackend } from "./memory-backend.js";

export const TEST_TOKEN = "test-token";

/** The credential the MemoryBackend takes for a node: TEST_TOKEN's, bound to that node. */
export function nodeCredential(nodeName: string): string {
  return `${TEST_TOKEN}:${nodeName}`;
}

export interface LogEntry {
  level: string;
  message: string;
  [field: string]: unknown;
}

export interface CapturingLogger {
  logger: winston.Logger;
  entries: LogEntry[];
}

export function capturingLogger(): CapturingLogger {
  const entries: LogEntry[] = [];
  const stream = new Writable({
    objectMode: true,
    write(info: LogEntry, _encoding, done) {
      entries.push(info);
      done();
    },
  });
  const logger = winston.createLogger({
    level: "debug",
    transports: [new winston.transports.Stream({ stream })],
  });
  return { logger, entries };
}

export interface TestHub {
  port: number;
  /** ws://127.0.0.1:PORT, for clients; the gateway's path is /agent. */
  url: string;
  backend: MemoryBackend;
  gateway: AgentGateway;
  logs: LogEntry[];
  close(): Promise<void>;
}

export async function startTestHub(
  opts: { port?: number; backend?: MemoryBackend } & Partial<
    Pick<
      AgentGatewayOptions,
      "maxFrameBytes" | "heartbeatIntervalSeconds" | "heartbeatTimeoutMs" | "helloTimeoutMs"
    >
  > = {},
): Promise<TestHub> {
  const server = createServer((_req, res) => res.writeHead(404).end());
  await listen(server, opts.port ?? 0);
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("not listening on TCP");
  const port = address.port;
  const backend = opts.backend ?? new MemoryBackend(TEST_TOKEN);
  const { logger, entries } = capturingLogger();
  const gateway = startAgentGateway({
    server,
    backend,
    logger,
    hubVersion: "test",
    maxFrameBytes: opts.maxFrameBytes,
    heartbeatIntervalSeconds: opts.heartbeatIntervalSeconds,
    heartbeatTimeoutMs: opts.heartbeatTimeoutMs,
    helloTimeoutMs: opts.helloTimeoutMs,
  });
  let closed = false;
  return {
    port,
    url: `ws://127.0.0.1:${port}`,
    backend,
    gateway,
    logs: entries,
    async close() {
      if (closed) return;
      closed = true;
      await gateway.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
}

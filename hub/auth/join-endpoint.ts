// POST /join on the hub's agent port: a new node presents a join token (Authorization: Bearer)
// and its name, and gets its per-node credential back, once. Everything after that goes over
// the WebSocket with the credential.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "winston";
import type { AuthStore } from "./auth-store.js";

export const JOIN_PATH = "/join";
const MAX_BODY_BYTES = 4096;
const NODE_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

export interface JoinResponse {
  nodeName: string;
  credential: string;
}

export function handleJoin(
  auth: AuthStore,
  logger: Logger,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const reply = (status: number, body: object): void => {
    res.writeHead(status, { "content-type": "application/json" }).end(`${JSON.stringify(body)}\n`);
  };
  if (req.method !== "POST") {
    res.setHeader("allow", "POST");
    return reply(405, { error: "POST a join request" });
  }
  const chunks: Buffer[] = [];
  let size = 0;
  req.on("data", (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      reply(413, { error: `a join request is at most ${MAX_BODY_BYTES} bytes` });
      req.destroy();
      return;
    }
    chunks.push(chunk);
  });
  req.on("end", () => {
    if (res.headersSent) return;
    let nodeName: unknown;
    try {
      nodeName = (JSON.parse(Buffer.concat(chunks).toString("utf8")) as { nodeName?: unknown })
        .nodeName;
    } catch {
      return reply(400, { error: 'the body must be JSON: {"nodeName": "..."}' });
    }
    if (typeof nodeName !== "string" || nodeName.length > 253 || !NODE_NAME.test(nodeName)) {
      return reply(400, { error: `node name ${JSON.stringify(nodeName)} is not a DNS subdomain` });
    }
    const token = req.headers.authorization?.match(/^Bearer +(\S+) *$/i)?.[1] ?? "";
    const remote = req.socket.remoteAddress;
    const result = auth.join(token, nodeName);
    if ("credential" in result) {
      logger.info("node joined", { node: nodeName, remote });
      const body: JoinResponse = { nodeName, credential: result.credential };
      return reply(200, body);
    }
    logger.warn("join refused", { node: nodeName, remote, reason: result.message });
    if (result.reason === "AlreadyJoined") return reply(409, { error: result.message });
    // The peer learns nothing about which tokens exist; the hub's log says why.
    res.setHeader("www-authenticate", "Bearer");
    return reply(401, { error: "the hub refused this join token (unknown or expired)" });
  });
}

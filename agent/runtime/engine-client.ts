// A thin Docker Engine API client on node:http over the engine's unix socket: requests with
// JSON bodies, whole JSON answers, streamed answers, and the two stream formats the engine uses
// (newline-delimited JSON and multiplexed stdout/stderr frames). It knows nothing of containers;
// DockerRuntime speaks the API through it. It exists so the agent does not load dockerode, whose
// SSH and BuildKit (gRPC) dependencies an agent on a local socket never uses.
import { request, type IncomingMessage } from "node:http";
import { StringDecoder } from "node:string_decoder";

/** The engine answered with an error status; `message` is the engine's own words. */
export class EngineHttpError extends Error {
  override name = "EngineHttpError";
  constructor(
    message: string,
    readonly statusCode: number,
  ) {
    super(message);
  }
}

type QueryValue = string | number | boolean | Record<string, string[]> | undefined;

export interface EngineRequest {
  method: "GET" | "POST" | "DELETE";
  path: string;
  /** Objects (filters) are sent as JSON, as the engine expects. */
  query?: Record<string, QueryValue>;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export class EngineClient {
  constructor(readonly socketPath: string) {}

  /** The answer's JSON body; undefined for an empty one (204, 304). */
  async json<T>(req: EngineRequest): Promise<T> {
    const res = await this.stream(req);
    const text = await readText(res);
    return (text === "" ? undefined : JSON.parse(text)) as T;
  }

  /**
   * The answer as a stream, once the engine has said yes. An error status rejects with an
   * EngineHttpError carrying the engine's message; a socket failure rejects with the socket's
   * error (its `code`, e.g. ECONNREFUSED, says the engine is not there).
   */
  stream(req: EngineRequest): Promise<IncomingMessage> {
    const body = req.body === undefined ? undefined : JSON.stringify(req.body);
    return new Promise((resolve, reject) => {
      const r = request(
        {
          socketPath: this.socketPath,
          method: req.method,
          path: req.path + queryString(req.query),
          headers: {
            ...(body !== undefined && {
              "Content-Type": "application/json",
              "Content-Length": Buffer.byteLength(body),
            }),
            ...req.headers,
          },
          ...(req.signal && { signal: req.signal }),
        },
        (res) => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) return resolve(res);
          readText(res).then(
            (text) => reject(new EngineHttpError(errorMessage(text, status), status)),
            reject,
          );
        },
      );
      r.on("error", reject);
      r.end(body);
    });
  }
}

function queryString(query: EngineRequest["query"]): string {
  if (query === undefined) return "";
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined) continue;
    params.set(k, typeof v === "object" ? JSON.stringify(v) : String(v));
  }
  const s = params.toString();
  return s === "" ? "" : `?${s}`;
}

function readText(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on("data", (c: Buffer) => chunks.push(c));
    res.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    res.on("error", reject);
  });
}

/** The engine's error body is `{"message": "..."}`; anything else is quoted as it came. */
function errorMessage(text: string, status: number): string {
  const parsed = safeParse(text.trim());
  if (isRecord(parsed) && typeof parsed.message === "string") return parsed.message;
  return text.trim() || `engine answered HTTP ${status}`;
}

/** Newline-delimited JSON from a byte stream whose chunks may split lines and characters. */
export function jsonLines(
  onObject: (obj: Record<string, unknown>) => void,
): (chunk: Buffer | string) => void {
  const decoder = new StringDecoder("utf8");
  let buf = "";
  return (chunk) => {
    buf += typeof chunk === "string" ? chunk : decoder.write(chunk);
    let nl: number;
    while ((nl = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      // A garbled line is skipped; the next relist corrects anything it carried.
      const obj = line === "" ? undefined : safeParse(line);
      if (isRecord(obj)) onObject(obj);
    }
  };
}

export type FrameStream = "stdout" | "stderr";

const FRAME_HEADER = 8;

/**
 * Splits the engine's multiplexed stream (a non-TTY container's logs, an exec's output): each
 * frame is an 8-byte header (stream type, 3 zero bytes, big-endian payload length) and the
 * payload. Frames may span chunks. Stdin echoes (type 0) count as stdout, as Docker's own
 * client does.
 */
export function demuxer(
  onFrame: (stream: FrameStream, data: Buffer) => void,
): (chunk: Buffer) => void {
  let pending: Buffer = Buffer.alloc(0);
  return (chunk) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    while (pending.length >= FRAME_HEADER) {
      const size = pending.readUInt32BE(4);
      if (pending.length < FRAME_HEADER + size) break;
      const payload = pending.subarray(FRAME_HEADER, FRAME_HEADER + size);
      if (size > 0) onFrame(pending[0] === 2 ? "stderr" : "stdout", payload);
      pending = pending.subarray(FRAME_HEADER + size);
    }
  };
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null;
}

export function safeParse(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

// The Logs call's messages: a request to the wire and back, a chunk to the wire and back.
import type { LogChunkMessage, LogsRequestMessage } from "../../proto/agent-local-message.js";
import type { LogStream } from "../runtime/runtime.js";
import type { LogTargetQuery } from "./log-target.js";
import { bytes, flag, isFields, optionalText, text } from "./message-fields.js";

export interface LogsRequest extends LogTargetQuery {
  follow: boolean;
  /** How many lines from the end to start with; all of them when unset. */
  tailLines?: number;
  timestamps: boolean;
}

export interface LogChunk {
  stream: LogStream;
  data: Uint8Array;
}

export function logsRequestToMessage(request: LogsRequest): LogsRequestMessage {
  return {
    pod_name: request.podName,
    namespace: request.namespace,
    container: request.container ?? "",
    follow: request.follow,
    previous: request.previous,
    ...(request.tailLines !== undefined && { tail_lines: String(request.tailLines) }),
    timestamps: request.timestamps,
  };
}

/** Throws RangeError for a request no client of ours sends (no pod, a negative tail). */
export function logsRequestFromMessage(encoded: unknown): LogsRequest {
  if (!isFields(encoded)) throw new TypeError("expected a LogsRequest message");
  const podName = text(encoded, "pod_name");
  if (podName === "") throw new RangeError("pod_name: required");
  // 64-bit integers arrive as decimal strings; absent (rather than 0) means every line.
  const tail = optionalText(encoded, "tail_lines");
  const tailLines = tail === undefined ? undefined : Number(tail);
  if (tailLines !== undefined && !(Number.isSafeInteger(tailLines) && tailLines >= 0)) {
    throw new RangeError(`tail_lines: must be greater than or equal to 0, got ${tail}`);
  }
  const container = optionalText(encoded, "container");
  return {
    podName,
    namespace: optionalText(encoded, "namespace") ?? "default",
    ...(container !== undefined && { container }),
    follow: flag(encoded, "follow"),
    previous: flag(encoded, "previous"),
    ...(tailLines !== undefined && { tailLines }),
    timestamps: flag(encoded, "timestamps"),
  };
}

export function logChunkToMessage(stream: LogStream, data: Uint8Array): LogChunkMessage {
  return { stream, data };
}

export function logChunkFromMessage(encoded: unknown): LogChunk {
  if (!isFields(encoded)) throw new TypeError("expected a LogChunk message");
  const stream = text(encoded, "stream");
  if (stream !== "stdout" && stream !== "stderr") {
    throw new TypeError(
      `field stream: expected "stdout" or "stderr", got ${JSON.stringify(stream)}`,
    );
  }
  return { stream, data: bytes(encoded, "data") };
}

// Asks the agent on this host, over its local API socket, which pods the node runs and what their
// containers write.
import { resolve } from "node:path";
import { Client, credentials, status, type ServiceError } from "@grpc/grpc-js";
import { loadAgentLocalApi } from "../../proto/load.js";
import { LocalApiError } from "./errors.js";
import { nodePodsFromMessage, type NodePods } from "./list-pods-codec.js";
import {
  logChunkFromMessage,
  logsRequestToMessage,
  type LogChunk,
  type LogsRequest,
} from "./logs-codec.js";
import { probeSocket } from "./socket-probe.js";

// How long a local agent gets to accept a connection and to answer a unary call.
const DEFAULT_TIMEOUT_MS = 5000;

export interface ListNodePodsOptions {
  /** How long the whole call may take; 5 s by default, ample for a local agent. */
  timeoutMs?: number;
}

export async function listNodePods(
  socketPath: string,
  { timeoutMs = DEFAULT_TIMEOUT_MS }: ListNodePodsOptions = {},
): Promise<NodePods> {
  const path = resolve(socketPath);
  await requireListener(path, timeoutMs);
  const { listPods } = loadAgentLocalApi();
  const client = new Client(`unix://${path}`, credentials.createInsecure());
  try {
    const response = await new Promise<unknown>((resolvePromise, reject) => {
      client.makeUnaryRequest(
        listPods.path,
        listPods.requestSerialize,
        listPods.responseDeserialize,
        {},
        { deadline: Date.now() + timeoutMs },
        (error, value) => {
          if (error) reject(callError(error, path, timeoutMs));
          else resolvePromise(value);
        },
      );
    });
    return nodePodsFromMessage(response);
  } finally {
    client.close();
  }
}

/**
 * Streams one container's output, chunk by chunk, until it ends (at once without `follow`, when
 * the container stops with it) or `signal` aborts, which cancels the call and resolves. There is
 * no deadline: a follow lasts as long as the operator wants.
 */
export async function streamContainerLogs(
  socketPath: string,
  request: LogsRequest,
  onChunk: (chunk: LogChunk) => void,
  signal?: AbortSignal,
): Promise<void> {
  const path = resolve(socketPath);
  await requireListener(path, DEFAULT_TIMEOUT_MS);
  if (signal?.aborted) return;
  const { logs } = loadAgentLocalApi();
  const client = new Client(`unix://${path}`, credentials.createInsecure());
  const call = client.makeServerStreamRequest(
    logs.path,
    logs.requestSerialize,
    logs.responseDeserialize,
    logsRequestToMessage(request),
  );
  const cancel = () => call.cancel();
  signal?.addEventListener("abort", cancel, { once: true });
  try {
    await new Promise<void>((resolvePromise, reject) => {
      call.on("data", (message: unknown) => {
        try {
          onChunk(logChunkFromMessage(message));
        } catch (error) {
          call.cancel();
          reject(error);
        }
      });
      call.on("end", () => resolvePromise());
      call.on("error", (error: ServiceError) => {
        if (error.code === status.CANCELLED && signal?.aborted) resolvePromise();
        else reject(callError(error, path, DEFAULT_TIMEOUT_MS));
      });
    });
  } finally {
    signal?.removeEventListener("abort", cancel);
    client.close();
  }
}

function notListening(path: string): LocalApiError {
  return new LocalApiError(
    "AgentNotListening",
    path,
    `no agent is listening on ${path}: is the agent running? (--state-dir)`,
  );
}

/** Turns "cannot connect" into its cause before gRPC would blur it into UNAVAILABLE. */
async function requireListener(path: string, timeoutMs: number): Promise<void> {
  switch (await probeSocket(path, timeoutMs)) {
    case "live":
      return;
    case "absent":
    case "stale":
      throw notListening(path);
    case "denied":
      throw new LocalApiError(
        "PermissionDenied",
        path,
        `permission denied on ${path}: run as root or as a member of the socket's group`,
      );
  }
}

function callError(error: ServiceError, path: string, timeoutMs: number): LocalApiError {
  switch (error.code) {
    // The agent went away between the probe and the call.
    case status.UNAVAILABLE:
      return notListening(path);
    case status.DEADLINE_EXCEEDED:
      return new LocalApiError(
        "AgentUnresponsive",
        path,
        `the agent on ${path} did not answer within ${timeoutMs / 1000}s`,
        { cause: error },
      );
    // The agent's own refusals of a logs request, already in the words the operator should read.
    case status.NOT_FOUND:
    case status.INVALID_ARGUMENT:
    case status.FAILED_PRECONDITION:
      return new LocalApiError("Refused", path, error.details, { cause: error });
    default:
      return new LocalApiError(
        "AgentFailed",
        path,
        `the agent on ${path} failed: ${error.details}`,
        {
          cause: error,
        },
      );
  }
}

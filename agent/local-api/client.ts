// Asks the agent on this host, over its local API socket, which pods the node runs.
import { resolve } from "node:path";
import { Client, credentials, status, type ServiceError } from "@grpc/grpc-js";
import { loadAgentLocalApi } from "../../proto/load.js";
import { LocalApiError } from "./errors.js";
import { nodePodsFromMessage, type NodePods } from "./list-pods-codec.js";
import { probeSocket } from "./socket-probe.js";

export interface ListNodePodsOptions {
  /** How long the whole call may take; 5 s by default, ample for a local agent. */
  timeoutMs?: number;
}

export async function listNodePods(
  socketPath: string,
  { timeoutMs = 5000 }: ListNodePodsOptions = {},
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

// Serves the AgentLocal API on a unix socket in the agent's state directory.
import { chmod, lstat, rm } from "node:fs/promises";
import { resolve } from "node:path";
import {
  Server,
  ServerCredentials,
  status,
  type handleServerStreamingCall,
  type handleUnaryCall,
  type StatusObject,
} from "@grpc/grpc-js";
import type { ListPodsResponseMessage, LogChunkMessage } from "../../proto/agent-local-message.js";
import { loadAgentLocalApi } from "../../proto/load.js";
import type { NodePodsView } from "../pods/node-pods-view.js";
import { LocalApiError } from "./errors.js";
import { listPodsResponseToMessage } from "./list-pods-codec.js";
import { resolveLogTarget, type LogTargetRefusal } from "./log-target.js";
import { logChunkToMessage, logsRequestFromMessage, type LogsRequest } from "./logs-codec.js";
import { probeSocket } from "./socket-probe.js";

// Root and the socket's group (the operators) may ask; nobody else learns what the node runs.
const SOCKET_MODE = 0o660;
// In-flight calls get this long to finish on close before their connections are cut.
const SHUTDOWN_GRACE_MS = 2000;

// The client turns these codes into a "Refused" error that shows the details as they are.
const REFUSAL_STATUS: Record<LogTargetRefusal, status> = {
  PodNotFound: status.NOT_FOUND,
  ContainerNotFound: status.NOT_FOUND,
  PreviousNotFound: status.NOT_FOUND,
  ContainerNotSpecified: status.INVALID_ARGUMENT,
  NoOutput: status.FAILED_PRECONDITION,
};

export interface LocalApi {
  /** Stops serving and removes the socket file. */
  close(): Promise<void>;
}

export async function startLocalApi(socketPath: string, view: NodePodsView): Promise<LocalApi> {
  // gRPC reads `unix://relative` as an authority, so the path must be absolute.
  const path = resolve(socketPath);
  await removeStaleSocket(path);
  const api = loadAgentLocalApi();
  const server = new Server();
  // Ends the log streams still open, so a follow does not hold the agent's shutdown up.
  const openStreams = new Set<() => void>();
  server.addService(api.service, { ListPods: listPods(view), Logs: logs(view, openStreams) });
  await bind(server, path);
  // grpc-js creates the socket with the process umask; tighten it before anyone relies on it.
  try {
    await chmod(path, SOCKET_MODE);
  } catch (error) {
    await shutdown(server, path);
    throw error;
  }
  return {
    close: () => {
      for (const end of openStreams) end();
      return shutdown(server, path);
    },
  };
}

/**
 * A socket file outlives an agent that was killed, and binding over it fails, so a dead one is
 * removed. A live one means another agent serves this state directory: taking its socket would
 * leave two agents managing the same containers, so that is refused.
 */
async function removeStaleSocket(path: string): Promise<void> {
  switch (await probeSocket(path)) {
    case "absent":
      return;
    case "live":
      throw new LocalApiError(
        "SocketInUse",
        path,
        `another agent is already serving on ${path}: stop it, or give this agent its own --state-dir`,
      );
    case "denied":
      throw new LocalApiError(
        "PermissionDenied",
        path,
        `permission denied on ${path}: the agent must run as a user that may replace it`,
      );
    case "stale":
      if (!(await lstat(path)).isSocket()) {
        throw new LocalApiError(
          "NotASocket",
          path,
          `${path} exists and is not a socket: move it away so the agent can serve there`,
        );
      }
      await rm(path, { force: true });
  }
}

function listPods(view: NodePodsView): handleUnaryCall<unknown, ListPodsResponseMessage> {
  return (_call, callback) => {
    try {
      callback(null, listPodsResponseToMessage(view));
    } catch (error) {
      callback({ code: status.INTERNAL, details: `listing pods failed: ${String(error)}` });
    }
  };
}

function logs(
  view: NodePodsView,
  openStreams: Set<() => void>,
): handleServerStreamingCall<unknown, LogChunkMessage> {
  return (call) => {
    let request: LogsRequest;
    try {
      request = logsRequestFromMessage(call.request);
    } catch (error) {
      call.emit("error", { code: status.INVALID_ARGUMENT, details: messageOf(error) });
      return;
    }
    const target = resolveLogTarget(view.pods(), request);
    if (!target.ok) {
      call.emit("error", { code: REFUSAL_STATUS[target.reason], details: target.message });
      return;
    }
    const abort = new AbortController();
    let ended = false;
    const end = (failure?: Partial<StatusObject>) => {
      if (ended) return;
      ended = true;
      openStreams.delete(shutDown);
      abort.abort();
      if (failure) call.emit("error", failure);
      else call.end();
    };
    const shutDown = () => end({ code: status.UNAVAILABLE, details: "the agent is shutting down" });
    openStreams.add(shutDown);
    // A client that went away gets nothing more; aborting closes the engine's stream.
    call.on("cancelled", () => {
      ended = true;
      openStreams.delete(shutDown);
      abort.abort();
    });
    const { follow, tailLines, timestamps } = request;
    view
      .containerLogs(
        target.containerId,
        { follow, tail: tailLines, timestamps, signal: abort.signal },
        (stream, data) => {
          if (!ended) call.write(logChunkToMessage(stream, data));
        },
      )
      .then(
        () => end(),
        (error: unknown) =>
          end({
            code: status.INTERNAL,
            details: `cannot read the logs of container ${target.containerId}: ${messageOf(error)}`,
          }),
      );
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function bind(server: Server, path: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    server.bindAsync(`unix://${path}`, ServerCredentials.createInsecure(), (error) => {
      if (error === null) resolvePromise();
      else
        reject(
          new Error(`cannot serve the local API on ${path}: ${error.message}`, { cause: error }),
        );
    });
  });
}

async function shutdown(server: Server, path: string): Promise<void> {
  await new Promise<void>((resolvePromise) => {
    const force = setTimeout(() => {
      server.forceShutdown();
      resolvePromise();
    }, SHUTDOWN_GRACE_MS);
    server.tryShutdown(() => {
      clearTimeout(force);
      resolvePromise();
    });
  });
  await rm(path, { force: true });
}

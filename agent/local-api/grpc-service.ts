// The AgentLocal gRPC service over connections the local API's socket accepted. Kept apart from
// server.ts so that grpc-js and the .proto contract load on the first connection, not at start:
// the API serves only an operator's CLI commands on the node.
import type { Duplex } from "node:stream";
import {
  Server,
  ServerCredentials,
  status,
  type handleServerStreamingCall,
  type handleUnaryCall,
  type StatusObject,
} from "@grpc/grpc-js";
import type { ListPodsResponseMessage, LogChunkMessage } from "../../proto/agent-local-message.js";
import { shutdownGrpcServer } from "../../proto/grpc-shutdown.js";
import { loadAgentLocalApi } from "../../proto/load.js";
import type { NodePodsView } from "../pods/node-pods-view.js";
import { listPodsResponseToMessage } from "./list-pods-codec.js";
import { resolveLogTarget, type LogTargetRefusal } from "./log-target.js";
import { logChunkToMessage, logsRequestFromMessage, type LogsRequest } from "./logs-codec.js";
import { errorMessage } from "../error-message.js";

// The client turns these codes into a "Refused" error that shows the details as they are.
const REFUSAL_STATUS: Record<LogTargetRefusal, status> = {
  PodNotFound: status.NOT_FOUND,
  ContainerNotFound: status.NOT_FOUND,
  PreviousNotFound: status.NOT_FOUND,
  ContainerNotSpecified: status.INVALID_ARGUMENT,
  NoOutput: status.FAILED_PRECONDITION,
};

export interface LocalGrpcService {
  /** Serves gRPC on a connection the socket accepted. */
  serve(connection: Duplex): void;
  /** Ends open log streams and the calls in flight, cutting them after a grace period. */
  shutdown(): Promise<void>;
}

export function startLocalGrpcService(view: NodePodsView): LocalGrpcService {
  const api = loadAgentLocalApi();
  const server = new Server();
  // Ends the log streams still open, so a follow does not hold the agent's shutdown up.
  const openStreams = new Set<() => void>();
  server.addService(api.service, { ListPods: listPods(view), Logs: logs(view, openStreams) });
  const injector = server.createConnectionInjector(ServerCredentials.createInsecure());
  return {
    serve: (connection) => injector.injectConnection(connection),
    shutdown: () => {
      for (const end of openStreams) end();
      return shutdownGrpcServer(server);
    },
  };
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
      call.emit("error", { code: status.INVALID_ARGUMENT, details: errorMessage(error) });
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
            details: `cannot read the logs of container ${target.containerId}: ${errorMessage(error)}`,
          }),
      );
  };
}

// Serves the AgentLocal API on a unix socket in the agent's state directory. The socket is a plain
// node:net listener; gRPC (grpc-js and the .proto contract) loads on the first connection, as only
// an operator's CLI command on the node ever makes one.
import { chmod, lstat, rm } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import { resolve } from "node:path";
import type { NodePodsView } from "../pods/node-pods-view.js";
import { LocalApiError } from "./errors.js";
import type { LocalGrpcService } from "./grpc-service.js";
import { probeSocket } from "./socket-probe.js";

// Root and the socket's group (the operators) may ask; nobody else learns what the node runs.
const SOCKET_MODE = 0o660;

export interface LocalApi {
  /** Stops serving and removes the socket file. */
  close(): Promise<void>;
}

export async function startLocalApi(socketPath: string, view: NodePodsView): Promise<LocalApi> {
  const path = resolve(socketPath);
  await removeStaleSocket(path);
  // Paused, so that nothing is read before gRPC takes the connection over.
  const listener = createServer({ pauseOnConnect: true });
  let grpc: Promise<LocalGrpcService> | undefined;
  let closed = false;
  const serve = (connection: Socket) => {
    grpc ??= import("./grpc-service.js").then((m) => m.startLocalGrpcService(view));
    grpc.then(
      (service) => {
        if (closed) return connection.destroy();
        service.serve(connection);
        // Reading starts once the HTTP/2 session owns the connection.
        connection.resume();
      },
      () => connection.destroy(),
    );
  };
  listener.on("connection", serve);
  await listen(listener, path);
  // A failed accept (out of descriptors) loses that connection only; the caller sees it refused.
  listener.on("error", () => undefined);
  // The socket is created with the process umask; tighten it before anyone relies on it.
  try {
    await chmod(path, SOCKET_MODE);
  } catch (error) {
    listener.close();
    await rm(path, { force: true });
    throw error;
  }
  return {
    close: async () => {
      closed = true;
      listener.close();
      await grpc?.then(
        (service) => service.shutdown(),
        () => undefined,
      );
      await rm(path, { force: true });
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

function listen(listener: Server, path: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const fail = (error: Error) =>
      reject(
        new Error(`cannot serve the local API on ${path}: ${error.message}`, { cause: error }),
      );
    listener.once("error", fail);
    listener.listen(path, () => {
      listener.off("error", fail);
      resolvePromise();
    });
  });
}

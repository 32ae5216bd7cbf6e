// Stopping a gRPC server the same way in the hub and the agent: in-flight calls get a grace
// period to finish, then their connections are cut. Types only, so that importing this does not
// load grpc-js (the agent loads it on the first local API connection).
import type { Server } from "@grpc/grpc-js";

/** How long in-flight calls get to finish on close before their connections are cut. */
const SHUTDOWN_GRACE_MS = 2000;

export function shutdownGrpcServer(
  server: Pick<Server, "tryShutdown" | "forceShutdown">,
): Promise<void> {
  return new Promise<void>((resolve) => {
    const force = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, SHUTDOWN_GRACE_MS);
    server.tryShutdown(() => {
      clearTimeout(force);
      resolve();
    });
  });
}

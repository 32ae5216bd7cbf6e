// The Hub gRPC service (proto/hub_api.proto) on a TCP address, for the daemonlet CLI.
import {
  Server,
  ServerCredentials,
  status,
  type Metadata,
  type handleUnaryCall,
} from "@grpc/grpc-js";
import type { AuthStore } from "../auth/auth-store.js";
import { hubAuthService, isAdminCall } from "./auth-service.js";
import type { Logger } from "winston";
import { shutdownGrpcServer } from "../../proto/grpc-shutdown.js";
import { loadHubApi } from "../../proto/load.js";
import type { PodDeleter } from "../controller/daemonset-controller.js";
import type { Store } from "../store/index.js";
import type { UsageStore } from "../usage/usage-store.js";
import { UNARY_HANDLERS, type HandlerContext } from "./handlers.js";
import { requestFields } from "./request-codec.js";
import { errorStatus } from "./status.js";
import { serveWatch, type WatchCall } from "./watch.js";

/** DESIGN.md §5: requests have size limits. Manifests are kilobytes; this is ample. */
export const DEFAULT_MAX_REQUEST_BYTES = 4 * 1024 * 1024;

export interface HubApiOptions {
  /** `host:port`; port 0 picks a free one (see the returned port). */
  listen: string;
  store: Store;
  /** How a pod is deleted gracefully: the DaemonSet controller's, so both delete alike. */
  deletePod: PodDeleter;
  logger: Logger;
  /** The usage figures agents report, for ListMetrics. */
  usage: UsageStore;
  /** Larger requests are refused with RESOURCE_EXHAUSTED; 4 MiB by default. */
  maxRequestBytes?: number;
  /** Serve TLS with this certificate chain and key; plain without. */
  tls?: { cert: string; key: string };
  /** When set, every call must carry `authorization: Bearer <adminToken>`. */
  adminToken?: string;
  /** Join tokens and revocation (the HubAuth service); served only when given. */
  auth?: { store: AuthStore; caHash: string | undefined };
}

export interface HubApiServer {
  /** The port bound, which is the one asked for unless that was 0. */
  port: number;
  /** Ends open watches (UNAVAILABLE, so clients watch again) and stops serving. */
  close(): Promise<void>;
}

export async function startHubApi(opts: HubApiOptions): Promise<HubApiServer> {
  const { logger } = opts;
  const context: HandlerContext = {
    store: opts.store,
    deletePod: opts.deletePod,
    logger,
    now: () => new Date(),
    usage: opts.usage,
  };
  const server = new Server({
    "grpc.max_receive_message_length": opts.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES,
  });
  const watches = new Set<() => void>();

  const unexpected = (method: string) => (error: unknown) =>
    logger.error("API call failed", {
      method,
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
  const unauthorized = (metadata: Metadata) =>
    opts.adminToken !== undefined && !isAdminCall(metadata, opts.adminToken)
      ? {
          code: status.UNAUTHENTICATED,
          details: "the hub API needs its admin credential (--admin-config, the hub's admin.conf)",
        }
      : undefined;
  const unary = (method: keyof typeof UNARY_HANDLERS): handleUnaryCall<unknown, object> => {
    const handler = UNARY_HANDLERS[method];
    return (call, callback) => {
      const refused = unauthorized(call.metadata);
      if (refused) return callback(refused);
      try {
        callback(null, handler(context, requestFields(call.request)));
      } catch (error) {
        callback(errorStatus(error, unexpected(method)));
      }
    };
  };
  const watch = (call: WatchCall) => {
    const refused = unauthorized(call.metadata);
    if (refused) {
      call.emit("error", refused);
      return;
    }
    const stop = serveWatch(opts.store, call, unexpected("Watch"));
    watches.add(stop);
    const forget = () => watches.delete(stop);
    call.on("finish", forget);
    call.on("cancelled", forget);
  };

  server.addService(loadHubApi().service, {
    Apply: unary("Apply"),
    Get: unary("Get"),
    List: unary("List"),
    Watch: watch,
    Delete: unary("Delete"),
    LabelNode: unary("LabelNode"),
    TaintNode: unary("TaintNode"),
    SetUnschedulable: unary("SetUnschedulable"),
    ListEvents: unary("ListEvents"),
    ListMetrics: unary("ListMetrics"),
    Explain: unary("Explain"),
    Rollout: unary("Rollout"),
  });

  if (opts.auth) {
    const { definition, implementation } = hubAuthService(
      opts.auth.store,
      opts.auth.caHash,
      unexpected("HubAuth"),
    );
    const guarded = Object.fromEntries(
      Object.entries(implementation).map(([name, handle]) => [
        name,
        ((call, callback) => {
          const refused = unauthorized(call.metadata);
          if (refused) return callback(refused);
          return (handle as handleUnaryCall<unknown, object>)(call, callback);
        }) as handleUnaryCall<unknown, object>,
      ]),
    );
    server.addService(definition, guarded);
  }

  const credentials = opts.tls
    ? ServerCredentials.createSsl(
        null,
        [{ cert_chain: Buffer.from(opts.tls.cert), private_key: Buffer.from(opts.tls.key) }],
        false,
      )
    : ServerCredentials.createInsecure();
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(opts.listen, credentials, (error, bound) => {
      if (error === null) resolve(bound);
      else
        reject(
          new Error(`cannot serve the hub API on ${opts.listen}: ${error.message}`, {
            cause: error,
          }),
        );
    });
  });
  logger.info("hub API listening", { address: opts.listen, port });

  return {
    port,
    close: async () => {
      for (const stop of [...watches]) stop();
      await shutdownGrpcServer(server);
    },
  };
}

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createTlsServer } from "node:https";
import { mkdir } from "node:fs/promises";
import type { Logger } from "winston";
import type { HubConfig } from "./config.js";
import { splitHostPort } from "./config.js";
import { openSqliteStore, type NodeObject, type SqliteStore } from "./store/index.js";
import { startAgentGateway, type AgentGateway } from "./gateway/gateway.js";
import { StoreAgentBackend } from "./agent-backend.js";
import { NodeLiveness } from "./node-lifecycle.js";
import { DaemonSetController } from "./controller/daemonset-controller.js";
import { terminatePod } from "./pod-termination.js";
import { daemonSetSyncHistogram, hubMetrics } from "./metrics.js";
import { UsageStore } from "./usage/usage-store.js";
import { startHubApi } from "./api/server.js";
import { AuthStore } from "./auth/auth-store.js";
import { JOIN_PATH, handleJoin } from "./auth/join-endpoint.js";
import { caHashOf } from "./auth/join-string.js";
import { adminConfigPath, adminToken, writeAdminConfig } from "./auth/admin-config.js";
import { loadHubTls } from "./pki/hub-tls.js";

/** The control plane: store, controllers, the agent gateway and HTTP endpoints, the gRPC API. */
export class Hub {
  private store?: SqliteStore;
  private auth?: AuthStore;
  private http?: ReturnType<typeof createServer>;
  private gateway?: AgentGateway;
  private liveness?: NodeLiveness;
  private controller?: DaemonSetController;
  private api?: { port: number; close(): Promise<void> };
  private eventPruner?: NodeJS.Timeout;
  private unwatchNodes?: () => void;
  private readonly usage = new UsageStore();
  agentPort = 0;
  /** `sha256:<hex>` of the CA agents pin; undefined for an --insecure hub. */
  caHash?: string;

  constructor(
    private readonly config: HubConfig,
    private readonly logger: Logger,
    private readonly version: string,
  ) {}

  get apiPort(): number {
    return this.api?.port ?? 0;
  }

  async start(): Promise<void> {
    const { config, logger } = this;
    await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
    const tls = await loadHubTls(config);
    this.caHash = tls && caHashOf(tls.ca);
    const auth = new AuthStore(config.dataDir, config.joinToken);
    this.auth = auth;
    const store = openSqliteStore(config.dataDir, {
      onListenerError: (err) => logger.error("store watcher failed", { error: String(err) }),
    });
    this.store = store;
    const deletePod = (pod: Parameters<typeof terminatePod>[1]) => terminatePod(store, pod, logger);

    this.liveness = new NodeLiveness(store, logger, {
      graceMs: config.nodeGraceSeconds * 1000,
      checkIntervalMs: Math.min(5000, (config.nodeGraceSeconds * 1000) / 4),
    });
    const metrics = hubMetrics(store, () => this.gateway, this.usage);
    const syncDuration = daemonSetSyncHistogram(metrics);
    this.controller = new DaemonSetController(store, deletePod, logger, (s) =>
      syncDuration.observe(s),
    );
    const handle = (req: IncomingMessage, res: ServerResponse) => {
      if (req.url === JOIN_PATH) {
        handleJoin(auth, logger, req, res);
      } else if (req.url === "/healthz") {
        res.writeHead(200, { "content-type": "text/plain" }).end("ok\n");
      } else if (req.url === "/metrics") {
        metrics.metrics().then(
          (body) => res.writeHead(200, { "content-type": metrics.contentType }).end(body),
          (err: unknown) =>
            res.writeHead(500, { "content-type": "text/plain" }).end(`${String(err)}\n`),
        );
      } else {
        res.writeHead(404).end();
      }
    };
    this.http = tls
      ? createTlsServer({ cert: tls.cert, key: tls.key }, handle)
      : createServer(handle);
    const gateway = startAgentGateway({
      server: this.http,
      backend: new StoreAgentBackend(store, auth, this.liveness, logger, this.usage),
      logger,
      hubVersion: this.version,
      heartbeatIntervalSeconds: heartbeatInterval(config.nodeGraceSeconds),
    });
    this.gateway = gateway;
    auth.onRevoked((node) => {
      logger.info("node credential revoked", { node });
      gateway.revoke(node);
    });
    // `daemonlet delete node` revokes the node: a deleted node must join again to come back.
    // Its usage figures go with it.
    this.unwatchNodes = store.watch<NodeObject>("Node", (e) => {
      if (e.type !== "DELETED") return;
      auth.revoke(e.object.metadata.name ?? "");
      this.usage.forget(e.object.metadata.name ?? "");
    });
    const { host, port } = splitHostPort(config.listen);
    await new Promise<void>((resolve, reject) => {
      // A fleet reconnecting at once (a hub restart) overflows Node's default backlog of 511:
      // dropped SYNs are retried by the kernel only after 1, 3, 7… s. Ask for what the system
      // allows (net.core.somaxconn caps it), as Go servers do.
      this.http
        ?.once("error", reject)
        .listen({ port, host, backlog: LISTEN_BACKLOG }, () => resolve());
    });
    const address = this.http.address();
    this.agentPort = typeof address === "object" && address ? address.port : port;
    const admin = tls && (await adminToken(config.dataDir));
    const api = await startHubApi({
      listen: config.apiListen,
      store,
      deletePod,
      logger,
      usage: this.usage,
      auth: { store: auth, caHash: this.caHash },
      ...(tls && admin ? { tls, adminToken: admin } : {}),
    });
    this.api = api;
    if (tls && admin) {
      const apiHost = splitHostPort(config.apiListen).host;
      const host = apiHost === "0.0.0.0" || apiHost === "::" ? "127.0.0.1" : apiHost;
      await writeAdminConfig(adminConfigPath(config.dataDir), {
        server: `${host.includes(":") ? `[${host}]` : host}:${api.port}`,
        ca: tls.ca,
        token: admin,
      });
    }

    this.liveness.start();
    this.controller.start();
    this.eventPruner = setInterval(() => {
      store.pruneEvents(new Date(Date.now() - 3600_000));
      auth.pruneExpired();
    }, 60_000);
    this.eventPruner.unref();
    logger.info("hub running", {
      dataDir: config.dataDir,
      agents: `${tls ? "wss" : "ws"}://${host}:${this.agentPort}/agent`,
      ...(this.caHash ? { caHash: this.caHash } : {}),
      api: `${splitHostPort(config.apiListen).host}:${api.port}`,
      version: this.version,
    });
  }

  async stop(): Promise<void> {
    clearInterval(this.eventPruner);
    this.unwatchNodes?.();
    this.controller?.stop();
    this.liveness?.stop();
    await this.gateway?.close();
    await new Promise<void>((resolve) =>
      this.http ? this.http.close(() => resolve()) : resolve(),
    );
    await this.api?.close();
    this.store?.close();
    this.auth?.close();
  }
}

/** Above any net.core.somaxconn; the kernel takes the smaller. */
const LISTEN_BACKLOG = 65_535;

/**
 * Agents heartbeat four times per grace period, at most every 10 s, as kubelets do against the
 * 40 s node-monitor grace: a shorter grace must not mark healthy nodes Unknown between beats.
 */
export function heartbeatInterval(nodeGraceSeconds: number): number {
  return Math.max(1, Math.min(10, Math.floor(nodeGraceSeconds / 4)));
}

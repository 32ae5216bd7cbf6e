import { createServer, type Server } from "node:http";
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
import { resolveJoinToken } from "./join-token.js";
import { startHubApi } from "./api/server.js";

/** The control plane: store, controllers, the agent gateway and HTTP endpoints, the gRPC API. */
export class Hub {
  private store?: SqliteStore;
  private http?: Server;
  private gateway?: AgentGateway;
  private liveness?: NodeLiveness;
  private controller?: DaemonSetController;
  private api?: { port: number; close(): Promise<void> };
  private eventPruner?: NodeJS.Timeout;
  private unwatchNodes?: () => void;
  private readonly usage = new UsageStore();
  joinToken = "";
  agentPort = 0;

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
    this.joinToken = await resolveJoinToken(config.dataDir, config.joinToken);
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
    this.unwatchNodes = store.watch<NodeObject>("Node", (e) => {
      if (e.type === "DELETED") this.usage.forget(e.object.metadata.name ?? "");
    });
    this.http = createServer((req, res) => {
      if (req.url === "/healthz") {
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
    });
    this.gateway = startAgentGateway({
      server: this.http,
      backend: new StoreAgentBackend(store, this.joinToken, this.liveness, logger, this.usage),
      logger,
      hubVersion: this.version,
      heartbeatIntervalSeconds: heartbeatInterval(config.nodeGraceSeconds),
    });
    const { host, port } = splitHostPort(config.listen);
    await new Promise<void>((resolve, reject) => {
      this.http?.once("error", reject).listen(port, host, () => resolve());
    });
    const address = this.http.address();
    this.agentPort = typeof address === "object" && address ? address.port : port;
    const api = await startHubApi({
      listen: config.apiListen,
      store,
      deletePod,
      logger,
      usage: this.usage,
    });
    this.api = api;

    this.liveness.start();
    this.controller.start();
    this.eventPruner = setInterval(
      () => store.pruneEvents(new Date(Date.now() - 3600_000)),
      60_000,
    );
    this.eventPruner.unref();
    logger.info("hub running", {
      dataDir: config.dataDir,
      agents: `ws://${host}:${this.agentPort}/agent`,
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
  }
}

/**
 * Agents heartbeat four times per grace period, at most every 10 s, as kubelets do against the
 * 40 s node-monitor grace: a shorter grace must not mark healthy nodes Unknown between beats.
 */
export function heartbeatInterval(nodeGraceSeconds: number): number {
  return Math.max(1, Math.min(10, Math.floor(nodeGraceSeconds / 4)));
}

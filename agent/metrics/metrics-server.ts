// The agent's small HTTP listener: GET /metrics (Prometheus text format) and /healthz.
import { createServer, type Server } from "node:http";
import type { Logger } from "winston";
import { splitHostPort } from "../../hub/config.js";
import type { AgentMetrics } from "./agent-metrics.js";

export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

export async function startMetricsServer(
  listen: string,
  metrics: AgentMetrics,
  logger: Logger,
): Promise<MetricsServer> {
  const { host, port } = splitHostPort(listen);
  if (!host || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(
      `metricsListen ${JSON.stringify(listen)}: expected HOST:PORT, e.g. 127.0.0.1:7462`,
    );
  }
  const server: Server = createServer((req, res) => {
    if (req.url === "/healthz") {
      res.writeHead(200, { "content-type": "text/plain" }).end("ok\n");
    } else if (req.url === "/metrics") {
      metrics.scrape().then(
        ({ contentType, body }) => res.writeHead(200, { "content-type": contentType }).end(body),
        (error: unknown) => {
          logger.error("metrics scrape failed", { error: String(error) });
          res.writeHead(500, { "content-type": "text/plain" }).end(`${String(error)}\n`);
        },
      );
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject).listen(port, host, () => resolve());
  });
  const address = server.address();
  const bound = typeof address === "object" && address ? address.port : port;
  logger.info("agent metrics listening", { url: `http://${host}:${bound}/metrics` });
  return {
    port: bound,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

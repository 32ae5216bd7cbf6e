import type { Command } from "commander";
import { HubConfigSchema } from "../hub/config.js";
import { Hub } from "../hub/hub.js";
import { createLogger } from "../agent/logger.js";
import { packageVersion } from "./package-version.js";

interface HubFlags {
  data?: string;
  listen?: string;
  apiListen?: string;
  joinToken?: string;
  nodeGraceSeconds?: string;
  logFormat?: string;
  logLevel?: string;
}

export function registerHubCommand(program: Command): void {
  program
    .command("hub")
    .description("run the hub: store, DaemonSet controller, agent gateway and API")
    .option(
      "--data <dir>",
      "data directory (SQLite store, join token) (default: /var/lib/daemonlet-hub)",
    )
    .option(
      "--listen <host:port>",
      "agents (WebSocket /agent) and HTTP /healthz, /metrics (default: 0.0.0.0:7460)",
    )
    .option("--api-listen <host:port>", "gRPC API for the CLI (default: 127.0.0.1:7461)")
    .option(
      "--join-token <token>",
      "token agents must present (default: generated, kept in the data dir)",
    )
    .option(
      "--node-grace-seconds <n>",
      "silence after which a node is Unknown and tainted (default: 40)",
    )
    .option("--log-format <format>", "json or text (default: json)")
    .option("--log-level <level>", "error, warn, info or debug (default: info)")
    .action(async (flags: HubFlags) => {
      const parsed = HubConfigSchema.safeParse(
        Object.fromEntries(
          Object.entries({
            dataDir: flags.data,
            listen: flags.listen,
            apiListen: flags.apiListen,
            joinToken: flags.joinToken,
            nodeGraceSeconds:
              flags.nodeGraceSeconds === undefined ? undefined : Number(flags.nodeGraceSeconds),
            logFormat: flags.logFormat,
            logLevel: flags.logLevel,
          }).filter(([, v]) => v !== undefined),
        ),
      );
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
        process.stderr.write(`error: invalid hub config: ${issues.join("; ")}\n`);
        process.exit(2);
      }
      const config = parsed.data;
      const logger = createLogger({ format: config.logFormat, level: config.logLevel });
      const hub = new Hub(config, logger, packageVersion());
      const shutdown = (signal: string) => {
        logger.info("hub stopping", { signal });
        void hub.stop().finally(() => process.exit(0));
      };
      process.once("SIGTERM", () => shutdown("SIGTERM"));
      process.once("SIGINT", () => shutdown("SIGINT"));
      try {
        await hub.start();
      } catch (err) {
        logger.error("hub failed to start", {
          error: err instanceof Error ? err.message : String(err),
        });
        await hub.stop().catch(() => undefined);
        process.exit(1);
      }
    });
}

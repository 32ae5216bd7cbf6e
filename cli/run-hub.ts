// `daemonlet hub`: loads its config, runs the hub until SIGTERM or SIGINT, tells systemd.
import { createLogger } from "../agent/logger.js";
import { serviceNotifier } from "../agent/sd-notify.js";
import { loadHubConfig } from "../hub/config.js";
import { Hub } from "../hub/hub.js";
import type { HubFlags } from "./hub-command.js";
import { packageVersion } from "./package-version.js";

export async function runHub(flags: HubFlags): Promise<void> {
  let config;
  try {
    config = await loadHubConfig(flags.config, {
      dataDir: flags.data,
      listen: flags.listen,
      apiListen: flags.apiListen,
      joinToken: flags.joinToken,
      tlsCert: flags.tlsCert,
      tlsKey: flags.tlsKey,
      initPki: flags.initPki,
      pkiNames: flags.pkiName,
      insecure: flags.insecure,
      nodeGraceSeconds:
        flags.nodeGraceSeconds === undefined ? undefined : Number(flags.nodeGraceSeconds),
      logFormat: flags.logFormat as "json" | "text" | undefined,
      logLevel: flags.logLevel as "error" | "warn" | "info" | "debug" | undefined,
    });
  } catch (err) {
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  }
  const logger = createLogger({ format: config.logFormat, level: config.logLevel });
  const hub = new Hub(config, logger, packageVersion());
  const systemd = await serviceNotifier(logger);
  const shutdown = (signal: string) => {
    logger.info("hub stopping", { signal });
    systemd.stopping();
    void hub.stop().finally(() => process.exit(0));
  };
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  process.once("SIGINT", () => shutdown("SIGINT"));
  try {
    await hub.start();
    systemd.ready(`serving agents on port ${hub.agentPort}, API on port ${hub.apiPort}`);
  } catch (err) {
    logger.error("hub failed to start", {
      error: err instanceof Error ? err.message : String(err),
    });
    await hub.stop().catch(() => undefined);
    process.exit(1);
  }
}

// `daemonlet hub`: loads its config, runs the hub until SIGTERM or SIGINT, tells systemd.
import { createLogger } from "../agent/logger.js";
import { loadHubConfig } from "../hub/config.js";
import { Hub } from "../hub/hub.js";
import type { HubFlags } from "./hub-command.js";
import { packageVersion } from "./package-version.js";
import { runService } from "./run-service.js";
import { errorMessage } from "../agent/error-message.js";

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
    process.stderr.write(`error: ${errorMessage(err)}\n`);
    process.exit(2);
  }
  const logger = createLogger({ format: config.logFormat, level: config.logLevel });
  const hub = new Hub(config, logger, packageVersion());
  await runService(
    "hub",
    {
      start: async () => {
        await hub.start();
        return `serving agents on port ${hub.agentPort}, API on port ${hub.apiPort}`;
      },
      stop: () => hub.stop(),
    },
    logger,
    "hub stopping",
  );
}

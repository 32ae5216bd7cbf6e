// The life of a long-running command (`daemonlet agent`, `daemonlet hub`) under systemd: tell
// systemd when it is ready and when it stops, stop cleanly on SIGTERM or SIGINT, and exit 1 when
// the start fails.
import type winston from "winston";
import { serviceNotifier } from "../agent/sd-notify.js";
import { errorMessage } from "../agent/error-message.js";

export interface Service {
  /** Starts the service; resolves with the status line systemd shows once it is ready. */
  start(): Promise<string>;
  stop(): Promise<void>;
}

export async function runService(
  what: string,
  service: Service,
  logger: winston.Logger,
  stopping: string,
): Promise<void> {
  const systemd = await serviceNotifier(logger);
  const shutdown = (signal: string) => {
    logger.info(stopping, { signal });
    systemd.stopping();
    void service.stop().finally(() => process.exit(0));
  };
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  process.once("SIGINT", () => shutdown("SIGINT"));
  try {
    systemd.ready(await service.start());
  } catch (err) {
    logger.error(`${what} failed to start`, {
      error: errorMessage(err),
    });
    await service.stop().catch(() => undefined);
    process.exit(1);
  }
}

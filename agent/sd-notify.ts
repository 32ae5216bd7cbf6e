// systemd's notify protocol (sd_notify(3)): READY=1 once the service is up, WATCHDOG=1 at half
// the unit's WatchdogSec, STOPPING=1 on the way down, each a datagram on $NOTIFY_SOCKET. Sent
// from the service's main process itself, so the unit's default NotifyAccess=main accepts them:
// a `systemd-notify` child would need NotifyAccess=all and can lose the message when it exits
// before systemd reads who sent it (its man page calls that unreliable). Node has no unix
// datagram sockets; the small native addon unix-dgram sends them, loaded only under systemd.
// The watchdog is fed from a timer on the event loop: a hung or stopped process stops feeding
// it, and systemd restarts the service.
import type { Logger } from "winston";

export interface ServiceNotifier {
  ready(status: string): void;
  status(status: string): void;
  stopping(): void;
}

const NOOP: ServiceNotifier = { ready() {}, status() {}, stopping() {} };

/** How often to feed the watchdog, from the environment systemd sets; undefined for none. */
export function watchdogIntervalMs(env: NodeJS.ProcessEnv, pid = process.pid): number | undefined {
  const usec = Number(env["WATCHDOG_USEC"]);
  if (!Number.isFinite(usec) || usec <= 0) return undefined;
  const forPid = env["WATCHDOG_PID"];
  if (forPid !== undefined && forPid !== "" && Number(forPid) !== pid) return undefined;
  return Math.max(1, Math.floor(usec / 1000 / 2));
}

/** One datagram's text: `KEY=value` lines; a newline inside a value would start a new key. */
export function notifyMessage(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([key, value]) => `${key}=${value.replace(/\n/g, " ")}`)
    .join("\n");
}

/** A notifier for this process: the real one under systemd (NOTIFY_SOCKET set), else no-op. */
export async function serviceNotifier(
  logger: Logger,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ServiceNotifier> {
  const path = env["NOTIFY_SOCKET"];
  if (!path) return NOOP;
  if (!path.startsWith("/")) {
    logger.warn("NOTIFY_SOCKET is not a filesystem path; systemd will not hear from this service", {
      notifySocket: path,
    });
    return NOOP;
  }
  const { createSocket } = await import("unix-dgram");
  const socket = createSocket("unix_dgram");
  socket.on("error", (error: Error) =>
    logger.warn("cannot notify systemd", { notifySocket: path, error: error.message }),
  );
  const send = (fields: Record<string, string>) => {
    const message = Buffer.from(notifyMessage(fields));
    socket.send(message, 0, message.length, path);
  };
  const intervalMs = watchdogIntervalMs(env);
  if (intervalMs !== undefined) {
    const timer = setInterval(() => send({ WATCHDOG: "1" }), intervalMs);
    timer.unref();
    logger.info("feeding the systemd watchdog", { intervalMs });
  }
  return {
    ready: (status) => send({ READY: "1", STATUS: status, MAINPID: String(process.pid) }),
    status: (status) => send({ STATUS: status }),
    stopping: () => send({ STOPPING: "1" }),
  };
}

// Finds out, before any gRPC, whether a process accepts connections on a unix socket. The answer
// comes from the connect errno, which names the cause exactly (no file, stale file, permission),
// where a failed gRPC call would only say UNAVAILABLE.
import { connect } from "node:net";

export type SocketProbe =
  /** A process accepted the connection (or kept it pending, which only a live one does). */
  | "live"
  /** No file at the path. */
  | "absent"
  /**
   * Something is at the path but nobody accepts on it: a socket left behind by a process that
   * died, or (Linux answers the same) a file that is not a socket at all.
   */
  | "stale"
  /** This user may not connect. */
  | "denied";

const PROBE_BY_ERRNO: Record<string, SocketProbe> = {
  ENOENT: "absent",
  ECONNREFUSED: "stale",
  EACCES: "denied",
  EPERM: "denied",
};

function errnoCode(error: unknown): string | undefined {
  if (!(error instanceof Error) || !("code" in error)) return undefined;
  return typeof error.code === "string" ? error.code : undefined;
}

export function probeSocket(socketPath: string, timeoutMs = 1000): Promise<SocketProbe> {
  return new Promise((resolve, reject) => {
    const socket = connect({ path: socketPath });
    const settle = (outcome: SocketProbe) => {
      socket.destroy();
      resolve(outcome);
    };
    socket.setTimeout(timeoutMs, () => settle("live"));
    socket.once("connect", () => settle("live"));
    socket.once("error", (error) => {
      socket.destroy();
      const outcome = PROBE_BY_ERRNO[errnoCode(error) ?? ""];
      if (outcome === undefined) reject(error);
      else resolve(outcome);
    });
  });
}

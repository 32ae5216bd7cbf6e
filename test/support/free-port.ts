// Loopback listeners for tests: a port is chosen by the kernel, never picked by hand, so parallel
// runs and leftover processes cannot collide.
import net from "node:net";

/** Starts `server` on a free port of `host` and returns the port. */
export async function listenOnFreePort(server: net.Server, host = "127.0.0.1"): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return portOf(server);
}

/** The port `server` listens on. */
export function portOf(server: net.Server): number {
  const address = server.address();
  if (typeof address !== "object" || !address) throw new Error("the server is not listening");
  return address.port;
}

/** A port free on `host` now, for a process that listens on it later (e.g. a hub restarted). */
export async function freePort(host = "127.0.0.1"): Promise<number> {
  const server = net.createServer();
  const port = await listenOnFreePort(server, host);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

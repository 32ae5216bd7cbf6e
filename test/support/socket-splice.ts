import type net from "node:net";

/**
 * Carries bytes both ways between two sockets, each tracked in `live` while open, and ends both
 * when either ends or fails, as a plain forwarder would.
 */
export function spliceSockets(
  client: net.Socket,
  upstream: net.Socket,
  live: Set<net.Socket>,
): void {
  for (const [socket, other] of [
    [client, upstream],
    [upstream, client],
  ] as const) {
    live.add(socket);
    socket.on("error", () => other.destroy());
    socket.on("close", () => {
      live.delete(socket);
      other.destroy();
    });
  }
  client.pipe(upstream);
  upstream.pipe(client);
}

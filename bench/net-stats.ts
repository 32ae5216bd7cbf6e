// The kernel's TCP listen-queue counters (/proc/net/netstat, TcpExt), host-wide: connections
// dropped because a listener's accept queue was full.
import { readFileSync } from "node:fs";

/** The TcpExt counters of a /proc/net/netstat text, by name. */
export function tcpExtCounters(netstat: string): Map<string, number> {
  const lines = netstat.split("\n").filter((l) => l.startsWith("TcpExt:"));
  const [names, values] = lines.map((l) => l.split(/\s+/).slice(1));
  const counters = new Map<string, number>();
  names?.forEach((name, i) => counters.set(name, Number(values?.[i] ?? 0)));
  return counters;
}

export function listenOverflows(): number {
  return tcpExtCounters(readFileSync("/proc/net/netstat", "utf8")).get("ListenOverflows") ?? 0;
}

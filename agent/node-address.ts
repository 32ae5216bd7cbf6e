import os from "node:os";

/** Interfaces the container engine makes; their addresses are not the node's. */
const ENGINE_INTERFACES = /^(docker|br-|veth|cni|flannel|cali)/;

/** The node's address for status.hostIP: the first non-internal IPv4, else loopback. */
export function detectNodeIP(): string {
  for (const [name, addresses] of Object.entries(os.networkInterfaces())) {
    if (ENGINE_INTERFACES.test(name)) continue;
    for (const a of addresses ?? []) {
      if (a.family === "IPv4" && !a.internal && !a.address.startsWith("169.254.")) return a.address;
    }
  }
  return "127.0.0.1";
}

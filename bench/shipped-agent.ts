// Benchmarks measure the agent as it is shipped: started with the NODE_OPTIONS that the systemd
// unit (systemd/daemonlet-agent.service) gives it.
import { readFileSync } from "node:fs";
import path from "node:path";
import type { AgentProcess } from "../test/support/agent-process.js";
import { REPO } from "../test/support/cli-process.js";

/** The unit's `Environment=NODE_OPTIONS=…`, or "" when it sets none. */
export function shippedNodeOptions(): string {
  const unit = readFileSync(path.join(REPO, "systemd/daemonlet-agent.service"), "utf8");
  return /^Environment=NODE_OPTIONS=(.*)$/m.exec(unit)?.[1]?.trim() ?? "";
}

/** Starts `agent` under the unit's NODE_OPTIONS: the process takes this one's environment at spawn. */
export async function startAsShipped(agent: AgentProcess): Promise<void> {
  const saved = process.env["NODE_OPTIONS"];
  process.env["NODE_OPTIONS"] = shippedNodeOptions();
  try {
    await agent.start();
  } finally {
    if (saved === undefined) delete process.env["NODE_OPTIONS"];
    else process.env["NODE_OPTIONS"] = saved;
  }
}

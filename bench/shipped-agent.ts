// Benchmarks measure the agent as it is shipped: started with the node flags (on its ExecStart
// line) and the NODE_OPTIONS that the systemd unit (systemd/daemonlet-agent.service) gives it.
import { readFileSync } from "node:fs";
import path from "node:path";
import type { AgentProcess } from "../test/support/agent-process.js";
import { REPO } from "../test/support/cli-process.js";

function unitText(): string {
  return readFileSync(path.join(REPO, "systemd/daemonlet-agent.service"), "utf8");
}

/** The unit's `Environment=NODE_OPTIONS=…`, or "" when it sets none. */
export function shippedNodeOptions(): string {
  return /^Environment=NODE_OPTIONS=(.*)$/m.exec(unitText())?.[1]?.trim() ?? "";
}

/**
 * The flags a unit's `ExecStart=/usr/bin/env node FLAGS… SCRIPT …` gives node; none when it runs
 * the script directly. V8 flags other than a few cannot go in NODE_OPTIONS, so they sit there.
 */
export function nodeArgsOfExecStart(unit: string): string[] {
  const words = /^ExecStart=(.*)$/m.exec(unit)?.[1]?.trim().split(/\s+/) ?? [];
  if (words[0] !== "/usr/bin/env" || words[1] !== "node") return [];
  const flags: string[] = [];
  for (const word of words.slice(2)) {
    if (!word.startsWith("-")) break;
    flags.push(word);
  }
  return flags;
}

/** The node flags on the unit's ExecStart line. */
export function shippedNodeArgs(): string[] {
  return nodeArgsOfExecStart(unitText());
}

/** Both, for a report. */
export function shippedNode(): { nodeArgs: string[]; nodeOptions: string } {
  return { nodeArgs: shippedNodeArgs(), nodeOptions: shippedNodeOptions() };
}

/**
 * Starts `agent` as the unit does: with its node flags, and its NODE_OPTIONS (plus `extraOptions`,
 * e.g. an inspector) in the environment that the process takes from this one at spawn.
 */
export async function startAsShipped(agent: AgentProcess, extraOptions = ""): Promise<void> {
  const saved = process.env["NODE_OPTIONS"];
  process.env["NODE_OPTIONS"] = [shippedNodeOptions(), extraOptions].filter(Boolean).join(" ");
  try {
    await agent.start({ nodeArgs: shippedNodeArgs() });
  } finally {
    if (saved === undefined) delete process.env["NODE_OPTIONS"];
    else process.env["NODE_OPTIONS"] = saved;
  }
}

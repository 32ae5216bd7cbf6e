// Benchmarks measure the agent as it is shipped: started with the node flags (on its ExecStart
// line) and the environment (NODE_OPTIONS, glibc's malloc tunables…) that the systemd unit
// (systemd/daemonlet-agent.service) gives it.
import { readFileSync } from "node:fs";
import path from "node:path";
import type { AgentProcess } from "../test/support/agent-process.js";
import { REPO } from "../test/support/cli-process.js";

function unitText(): string {
  return readFileSync(path.join(REPO, "systemd/daemonlet-agent.service"), "utf8");
}

/** A unit's `Environment=NAME=VALUE` lines (one assignment each, unquoted, as ours are). */
export function environmentOfUnit(unit: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [, name, value] of unit.matchAll(/^Environment=([A-Za-z_][A-Za-z0-9_]*)=(.*)$/gm)) {
    env[name!] = value!.trim();
  }
  return env;
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

/** The unit's environment for the agent. */
export function shippedEnvironment(): Record<string, string> {
  return environmentOfUnit(unitText());
}

/** The node flags on the unit's ExecStart line. */
export function shippedNodeArgs(): string[] {
  return nodeArgsOfExecStart(unitText());
}

/** Both, from one read of the unit. */
export function shippedNode(): { nodeArgs: string[]; environment: Record<string, string> } {
  const unit = unitText();
  return { nodeArgs: nodeArgsOfExecStart(unit), environment: environmentOfUnit(unit) };
}

/**
 * Starts `agent` as the unit does: with its node flags, and its environment (`extraOptions`, e.g.
 * an inspector, added to NODE_OPTIONS) in this process's, which the agent takes at spawn.
 */
export async function startAsShipped(agent: AgentProcess, extraOptions = ""): Promise<void> {
  const { nodeArgs, environment: env } = shippedNode();
  env["NODE_OPTIONS"] = [env["NODE_OPTIONS"], extraOptions].filter(Boolean).join(" ");
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, env);
  try {
    await agent.start({ nodeArgs });
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

// Test teardown: every step is attempted even when an earlier one fails, so one failure cannot
// leave containers, mounts or processes behind for the next test.
import type { AgentProcess } from "./agent-process.js";
import { removeNodeContainers } from "./docker-cleanup.js";

type Step = () => unknown;

/** Runs each step in order, then throws every failure at once. */
export async function disposeAll(steps: ReadonlyArray<Step | readonly Step[]>): Promise<void> {
  const errors: unknown[] = [];
  for (const step of steps.flat()) {
    try {
      await step();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length > 0) throw new AggregateError(errors, "cleanup failed");
}

/**
 * The steps that take an agent and its node's containers away. The agent is disposed of (killed)
 * first, or it would restart what is being removed.
 */
export function agentWithContainers(agent: AgentProcess | undefined): Step[] {
  if (!agent) return [];
  return [() => agent.dispose(), () => removeNodeContainers(agent.nodeName)];
}

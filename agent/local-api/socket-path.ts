import { join } from "node:path";

/** The local API's socket inside the agent's state directory; the agent and the CLI both use it. */
export function localApiSocketPath(stateDir: string): string {
  return join(stateDir, "agent.sock");
}

// What a hub command prints and how it exits, returned rather than written so the commands run
// the same under commander and in tests.
import { isManifestError } from "../agent/pods/manifest-error.js";
import { isHubApiError } from "../hub/api/index.js";
import { HUB_ADDRESS_ENV } from "./hub-address-env.js";
import { UsageError } from "./usage-error.js";

const HUB_HINT = `its address comes from --hub, else $${HUB_ADDRESS_ENV}, else 127.0.0.1:7461`;

export interface CommandResult {
  stdout: string;
  stderr: string;
  exitCode: 0 | 1;
}

export function succeeded(stdout: string, stderr = ""): CommandResult {
  return { stdout, stderr, exitCode: 0 };
}

export { UsageError } from "./usage-error.js";

/**
 * Errors the operator can act on: the hub's refusals and unreachability, manifests that do not
 * parse, mistaken arguments. Anything else is a bug and keeps its stack.
 */
export function isOperatorError(error: unknown): error is Error {
  return isHubApiError(error) || isManifestError(error) || error instanceof UsageError;
}

/** Runs a command; an operator error becomes `error: …` on stderr and exit code 1, as kubectl. */
export async function runCommand(command: () => Promise<CommandResult>): Promise<CommandResult> {
  try {
    return await command();
  } catch (error) {
    if (!isOperatorError(error)) throw error;
    const hint = isHubApiError(error, "Unavailable") ? `\n(is the hub running? ${HUB_HINT})` : "";
    return { stdout: "", stderr: `error: ${error.message}${hint}\n`, exitCode: 1 };
  }
}

// `daemonlet apply -f …`: each manifest sent to the hub whole (the hub stores its documents
// together or not at all), one line per object as kubectl prints it.
import { isHubApiError, type HubClient } from "../hub/api/index.js";
import type { CommandResult } from "./command-result.js";
import type { ManifestSource } from "./manifest-sources.js";
import { printedObject } from "./resource-types.js";

/** Who applies, for the hub's log. */
const FIELD_MANAGER = "daemonlet-cli";

/**
 * Like kubectl, a refused manifest does not stop the others: its error is reported and the
 * exit code is 1. A hub that cannot be reached stops everything.
 */
export async function runApply(
  client: HubClient,
  sources: readonly ManifestSource[],
): Promise<CommandResult> {
  let stdout = "";
  let stderr = "";
  let failed = false;
  for (const source of sources) {
    try {
      for (const result of await client.apply(source.text, FIELD_MANAGER)) {
        for (const warning of result.warnings) {
          stderr += `Warning: ${printedObject(result.kind, result.name)}: ${warning}\n`;
        }
        stdout += `${printedObject(result.kind, result.name)} ${result.outcome}\n`;
      }
    } catch (error) {
      if (!isHubApiError(error, "Invalid")) throw error;
      stderr += `error: ${source.name}: ${error.message}\n`;
      failed = true;
    }
  }
  return { stdout, stderr, exitCode: failed ? 1 : 0 };
}

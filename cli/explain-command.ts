// `daemonlet explain -f ds.yaml [--nodes nodes.yaml]`: where the DaemonSet's pods belong and
// why not elsewhere. With --nodes it runs here, against those nodes, without a hub: the same
// placement predicate the hub's controller runs.
import { isManifestError } from "../agent/pods/manifest-error.js";
import {
  daemonSetToExplain,
  isHubApiError,
  explainPlacement,
  nodesFromManifest,
  type HubClient,
  type NodeDecision,
} from "../hub/api/index.js";
import { UsageError, succeeded, type CommandResult } from "./command-result.js";
import { renderExplain, type ExplainFormat } from "./format/explain-output.js";
import type { ManifestSource } from "./manifest-sources.js";

export interface ExplainOptions {
  daemonSet: ManifestSource;
  /** Offline: evaluate against these nodes instead of the hub's. */
  nodes?: ManifestSource;
  format: ExplainFormat;
}

/** A refusal of a file's contents, with the file's name, which the refusal itself cannot give. */
function inFile(source: ManifestSource, error: unknown): unknown {
  if (isManifestError(error) || isHubApiError(error, "Invalid")) {
    return new UsageError(`${source.name}: ${error.message}`, { cause: error });
  }
  return error;
}

async function decide(options: ExplainOptions, connect: () => HubClient): Promise<NodeDecision[]> {
  const { daemonSet, nodes } = options;
  if (nodes === undefined) {
    try {
      return await connect().explain(daemonSet.text);
    } catch (error) {
      throw inFile(daemonSet, error);
    }
  }
  let parsed;
  try {
    parsed = daemonSetToExplain(daemonSet.text);
  } catch (error) {
    throw inFile(daemonSet, error);
  }
  try {
    return explainPlacement(parsed, nodesFromManifest(nodes.text));
  } catch (error) {
    throw inFile(nodes, error);
  }
}

/** `connect` is called only when the hub is needed (no --nodes). */
export async function runExplain(
  options: ExplainOptions,
  connect: () => HubClient,
): Promise<CommandResult> {
  const { stdout, stderr } = renderExplain(await decide(options, connect), options.format);
  return succeeded(stdout, stderr);
}

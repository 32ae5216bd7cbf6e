// `daemonlet delete TYPE NAME` and `delete -f FILE`: a DaemonSet or a Node goes at once (the
// hub's controllers then remove their pods); a pod is stopped gracefully by its node's agent.
import {
  isHubApiError,
  parseManifestDocuments,
  type HubClient,
  type ObjectRef,
} from "../hub/api/index.js";
import { DEFAULT_NAMESPACE } from "../hub/store/index.js";
import { UsageError, type CommandResult } from "./command-result.js";
import type { ManifestSource } from "./manifest-sources.js";
import { printedResource, resolveResourceType } from "./resource-types.js";

function metadataText(object: Record<string, unknown>, key: string): string | undefined {
  const metadata = object["metadata"];
  const value =
    typeof metadata === "object" && metadata !== null && key in metadata
      ? Reflect.get(metadata, key)
      : undefined;
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** The objects a manifest names; only their kind, namespace and name matter for a delete. */
export function refsInManifests(
  sources: readonly ManifestSource[],
  namespace?: string,
): ObjectRef[] {
  return sources.flatMap((source) =>
    parseManifestDocuments(source.text).map(({ source: where, value }) => {
      const name = metadataText(value, "name");
      if (name === undefined) {
        throw new UsageError(`${source.name}: ${where}: metadata.name is required`);
      }
      const kind = resolveResourceType(String(value["kind"] ?? ""));
      return {
        kind,
        name,
        namespace: metadataText(value, "namespace") ?? namespace ?? DEFAULT_NAMESPACE,
      };
    }),
  );
}

/** Like kubectl, an object that is not there does not stop the others; the exit code is 1. */
export async function runDelete(
  client: HubClient,
  refs: readonly ObjectRef[],
): Promise<CommandResult> {
  let stdout = "";
  let stderr = "";
  let failed = false;
  for (const ref of refs) {
    try {
      await client.delete(ref);
      stdout += `${printedResource(ref.kind)} "${ref.name}" deleted\n`;
    } catch (error) {
      if (!isHubApiError(error, "NotFound")) throw error;
      stderr += `error: ${error.message}\n`;
      failed = true;
    }
  }
  return { stdout, stderr, exitCode: failed ? 1 : 0 };
}

/** `delete TYPE NAME…` */
export function refsFromArgs(
  type: string,
  names: readonly string[],
  namespace?: string,
): ObjectRef[] {
  const kind = resolveResourceType(type);
  if (names.length === 0) throw new UsageError(`resource name(s) required: delete ${type} NAME`);
  return names.map((name) => ({ kind, name, namespace: namespace ?? DEFAULT_NAMESPACE }));
}

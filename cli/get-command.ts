// `daemonlet get TYPE [NAME]`: objects from the hub, printed as kubectl prints them.
import type { HubClient } from "../hub/api/index.js";
import { DEFAULT_NAMESPACE } from "../hub/store/index.js";
import { UsageError, succeeded, type CommandResult } from "./command-result.js";
import { renderGet, type GetFormat } from "./format/get-output.js";
import { resolveResourceType } from "./resource-types.js";

export interface GetOptions {
  type: string;
  name?: string;
  output?: "wide" | "json" | "yaml";
  selector?: string;
  namespace?: string;
  allNamespaces?: boolean;
}

export async function runGet(
  client: HubClient,
  options: GetOptions,
  now: Date,
): Promise<CommandResult> {
  const kind = resolveResourceType(options.type);
  const namespace = options.namespace ?? DEFAULT_NAMESPACE;
  const allNamespaces = options.allNamespaces ?? false;
  if (options.name !== undefined && options.selector !== undefined) {
    throw new UsageError("name cannot be provided when a selector is specified");
  }
  const objects =
    options.name !== undefined
      ? [await client.get({ kind, namespace, name: options.name })]
      : (
          await client.list({
            kind,
            namespace,
            allNamespaces,
            ...(options.selector !== undefined && { labelSelector: options.selector }),
          })
        ).items;
  const format: GetFormat = options.output ?? "table";
  const { stdout, stderr } = renderGet(kind, objects, {
    format,
    single: options.name !== undefined,
    allNamespaces,
    namespace,
    now,
  });
  return succeeded(stdout, stderr);
}

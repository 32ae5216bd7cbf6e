// The resource types the CLI names on its command line, with kubectl's aliases, and the way
// kubectl prints them in its messages (`daemonset.apps/fluentd created`).
import type { Kind } from "../hub/store/index.js";
import { UsageError } from "./command-result.js";

export type CliKind = Extract<Kind, "DaemonSet" | "Node" | "Pod">;

interface ResourceType {
  kind: CliKind;
  /** As kubectl prints it before a name: `daemonset.apps/x`, `daemonset.apps "x" deleted`. */
  printed: string;
  aliases: readonly string[];
}

const RESOURCE_TYPES: readonly ResourceType[] = [
  {
    kind: "DaemonSet",
    printed: "daemonset.apps",
    aliases: ["ds", "daemonset", "daemonsets", "daemonset.apps", "daemonsets.apps"],
  },
  { kind: "Node", printed: "node", aliases: ["no", "node", "nodes"] },
  { kind: "Pod", printed: "pod", aliases: ["po", "pod", "pods"] },
];

/** The kind an argument such as `ds`, `pods` or `node` names; throws with kubectl's words. */
export function resolveResourceType(argument: string): CliKind {
  const type = RESOURCE_TYPES.find((t) => t.aliases.includes(argument.toLowerCase()));
  if (type === undefined) {
    throw new UsageError(
      `the server doesn't have a resource type "${argument}" (daemonlet knows daemonsets, nodes, pods)`,
    );
  }
  return type.kind;
}

export function printedResource(kind: Kind): string {
  return RESOURCE_TYPES.find((t) => t.kind === kind)?.printed ?? kind.toLowerCase();
}

/** `daemonset.apps/fluentd`, as kubectl names an object in its one-line messages. */
export function printedObject(kind: Kind, name: string): string {
  return `${printedResource(kind)}/${name}`;
}

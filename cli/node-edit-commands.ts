// `label node`, `taint node`, `cordon` and `uncordon`: node changes the hub makes with kubectl's
// rules, reported in kubectl's words.
import type { HubClient } from "../hub/api/index.js";
import { UsageError, succeeded, type CommandResult } from "./command-result.js";
import { parseLabelArgs, parseTaintArgs } from "./node-edit-args.js";
import { printedObject, resolveResourceType } from "./resource-types.js";

/** Labels and taints are for nodes only here: a DaemonSet's labels come from its manifest. */
function requireNodeType(command: string, type: string): void {
  if (resolveResourceType(type) !== "Node") {
    throw new UsageError(
      `daemonlet ${command} works on nodes only; change a ${type} by applying its manifest`,
    );
  }
}

export async function runLabel(
  client: HubClient,
  {
    type,
    name,
    changes,
    overwrite,
  }: { type: string; name: string; changes: string[]; overwrite: boolean },
): Promise<CommandResult> {
  requireNodeType("label", type);
  const { set, remove } = parseLabelArgs(changes);
  const update = await client.labelNode({ name, set, remove, overwrite });
  const verb = !update.changed
    ? "not labeled"
    : Object.keys(set).length === 0
      ? "unlabeled"
      : "labeled";
  return succeeded(
    update.warnings.map((w) => `${w}\n`).join("") + `${printedObject("Node", name)} ${verb}\n`,
  );
}

export async function runTaint(
  client: HubClient,
  {
    type,
    name,
    changes,
    overwrite,
  }: { type: string; name: string; changes: string[]; overwrite: boolean },
): Promise<CommandResult> {
  requireNodeType("taint", type);
  const { add, remove } = parseTaintArgs(changes);
  await client.taintNode({ name, add, remove, overwrite });
  const verb = remove.length === 0 ? "tainted" : add.length === 0 ? "untainted" : "modified";
  return succeeded(`${printedObject("Node", name)} ${verb}\n`);
}

/** Cordoned nodes keep their DaemonSet pods, which tolerate the cordon. */
export async function runCordon(
  client: HubClient,
  name: string,
  cordon: boolean,
): Promise<CommandResult> {
  const update = await client.setUnschedulable(name, cordon);
  const verb = cordon ? "cordoned" : "uncordoned";
  return succeeded(`${printedObject("Node", name)} ${update.changed ? verb : `already ${verb}`}\n`);
}

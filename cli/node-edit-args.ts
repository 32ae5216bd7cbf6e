// The arguments of `label node` and `taint node`, read as kubectl reads them: `key=value` sets
// a label and `key-` removes it; `key=value:Effect` or `key:Effect` adds a taint and `key-` or
// `key:Effect-` removes taints. Keys and values are checked by the hub.
import { isTaintEffect, type TaintToAdd, type TaintToRemove } from "../hub/api/index.js";

export interface LabelChanges {
  set: Record<string, string>;
  remove: string[];
}

export function parseLabelArgs(args: readonly string[]): LabelChanges {
  const changes: LabelChanges = { set: {}, remove: [] };
  for (const arg of args) {
    const equals = arg.indexOf("=");
    if (equals > 0) changes.set[arg.slice(0, equals)] = arg.slice(equals + 1);
    else if (arg.endsWith("-") && arg.length > 1) changes.remove.push(arg.slice(0, -1));
    else throw new Error(`invalid label spec: ${arg}`);
  }
  if (Object.keys(changes.set).length === 0 && changes.remove.length === 0) {
    throw new Error("at least one label update is required");
  }
  return changes;
}

export interface TaintChanges {
  add: TaintToAdd[];
  remove: TaintToRemove[];
}

function effectOf(text: string, spec: string) {
  if (!isTaintEffect(text)) {
    throw new Error(
      `invalid taint spec: ${spec}: unsupported taint effect ${JSON.stringify(text)} (NoSchedule, PreferNoSchedule or NoExecute)`,
    );
  }
  return text;
}

export function parseTaintArgs(args: readonly string[]): TaintChanges {
  const changes: TaintChanges = { add: [], remove: [] };
  for (const spec of args) {
    const removal = spec.endsWith("-");
    const body = removal ? spec.slice(0, -1) : spec;
    const colon = body.lastIndexOf(":");
    const keyValue = colon === -1 ? body : body.slice(0, colon);
    const equals = keyValue.indexOf("=");
    const key = equals === -1 ? keyValue : keyValue.slice(0, equals);
    if (key === "") throw new Error(`invalid taint spec: ${spec}`);
    if (removal) {
      // A value in a removal is allowed and ignored, as kubectl does: key and effect identify.
      changes.remove.push(
        colon === -1 ? { key } : { key, effect: effectOf(body.slice(colon + 1), spec) },
      );
    } else if (colon === -1) {
      throw new Error(`invalid taint spec: ${spec}: an effect is required (key=value:Effect)`);
    } else {
      const value = equals === -1 ? "" : keyValue.slice(equals + 1);
      changes.add.push({ key, value, effect: effectOf(body.slice(colon + 1), spec) });
    }
  }
  if (changes.add.length === 0 && changes.remove.length === 0) {
    throw new Error("at least one taint update is required");
  }
  return changes;
}

// What label, taint, cordon and apply do to a Node, as pure functions of the stored node, with
// kubectl's rules and words. Each returns the whole new node; write-with-retry stores it.
import type { Taint } from "kubernetes-types/core/v1.js";
import { isQualifiedName, isValidLabelValue } from "../placement/index.js";
import { NotFoundError, rfc3339Seconds, type NodeObject } from "../store/index.js";
import { nodeFromIntent, type NodeIntent } from "./node-manifest.js";
import { RequestError } from "./request-error.js";
import type { LabelNodeRequest, TaintNodeRequest, TaintToRemove } from "./types.js";

function existing(node: NodeObject | undefined, name: string): NodeObject {
  if (node === undefined) throw new NotFoundError("Node", "", name);
  return node;
}

function invalid(message: string): never {
  throw new RequestError("Invalid", message);
}

const sameTaint = (a: Taint, b: Taint) => a.key === b.key && a.effect === b.effect;

/** NoExecute taints carry when they were added: evictions with tolerationSeconds count from it. */
function stamped(taint: Taint, now: Date): Taint {
  return taint.effect === "NoExecute" ? { ...taint, timeAdded: rfc3339Seconds(now) } : taint;
}

/**
 * The taints with `additions` put in: one with the same key and effect is replaced (keeping the
 * time it was added when only its value is the same), others are appended.
 */
function withTaints(current: readonly Taint[], additions: readonly Taint[], now: Date): Taint[] {
  const taints = [...current];
  for (const taint of additions) {
    const index = taints.findIndex((t) => sameTaint(t, taint));
    const old = taints[index];
    if (old === undefined) taints.push(stamped(taint, now));
    else taints[index] = (old.value ?? "") === (taint.value ?? "") ? old : stamped(taint, now);
  }
  return taints;
}

/**
 * `apply` of a Node adds or changes the labels, annotations and taints it lists and sets
 * unschedulable when given; it never removes any. Agents set labels of their own
 * (kubernetes.io/hostname, …) and the hub taints unreachable nodes, so a manifest that does not
 * mention them must not erase them; `label node N key-` and `taint node N key-` remove.
 */
export function applyNodeIntent(
  stored: NodeObject | undefined,
  intent: NodeIntent,
  now: Date,
): NodeObject {
  if (stored === undefined) {
    return nodeFromIntent(
      intent.taints ? { ...intent, taints: withTaints([], intent.taints, now) } : intent,
    );
  }
  const metadata = { ...stored.metadata };
  if (intent.labels) metadata.labels = { ...metadata.labels, ...intent.labels };
  if (intent.annotations) metadata.annotations = { ...metadata.annotations, ...intent.annotations };
  const spec = { ...stored.spec };
  if (intent.taints) spec.taints = withTaints(spec.taints ?? [], intent.taints, now);
  if (intent.unschedulable !== undefined) spec.unschedulable = intent.unschedulable;
  return { ...stored, metadata, spec };
}

export function labelNode(
  stored: NodeObject | undefined,
  request: LabelNodeRequest,
): { node: NodeObject; warnings: string[] } {
  const node = existing(stored, request.name);
  for (const [key, value] of Object.entries(request.set)) {
    if (!isQualifiedName(key)) invalid(`invalid label key ${JSON.stringify(key)}`);
    if (!isValidLabelValue(value)) invalid(`invalid label value: "${key}=${value}"`);
    if (request.remove.includes(key)) {
      invalid("can not both modify and remove a label in the same command");
    }
  }
  const labels = { ...node.metadata.labels };
  if (!request.overwrite) {
    for (const key of Object.keys(request.set)) {
      if (Object.hasOwn(labels, key)) {
        throw new RequestError(
          "FailedPrecondition",
          `'${key}' already has a value (${labels[key]}), and --overwrite is false`,
        );
      }
    }
  }
  const warnings: string[] = [];
  for (const key of request.remove) {
    if (Object.hasOwn(labels, key)) delete labels[key];
    else warnings.push(`label ${JSON.stringify(key)} not found.`);
  }
  Object.assign(labels, request.set);
  return { node: { ...node, metadata: { ...node.metadata, labels } }, warnings };
}

function taintName(taint: TaintToRemove): string {
  return taint.effect ? `${taint.key}:${taint.effect}` : taint.key;
}

export function taintNode(
  stored: NodeObject | undefined,
  request: TaintNodeRequest,
  now: Date,
): NodeObject {
  const node = existing(stored, request.name);
  request.add.forEach((taint, index) => {
    if (!isQualifiedName(taint.key)) invalid(`invalid taint key ${JSON.stringify(taint.key)}`);
    if (!isValidLabelValue(taint.value)) {
      invalid(`invalid taint value ${JSON.stringify(taint.value)}`);
    }
    if (request.add.findIndex((t) => sameTaint(t, taint)) !== index) {
      invalid(`can not add the same taint (${taint.key}:${taint.effect}) more than once`);
    }
    if (
      request.remove.some((r) => r.key === taint.key && (!r.effect || r.effect === taint.effect))
    ) {
      invalid(
        `can not both modify and remove the following taint(s) in the same command: ${taint.key}:${taint.effect}`,
      );
    }
  });
  let taints = node.spec?.taints ?? [];
  if (!request.overwrite) {
    const clash = request.add.find((taint) => taints.some((t) => sameTaint(t, taint)));
    if (clash) {
      throw new RequestError(
        "FailedPrecondition",
        `node ${request.name} already has ${clash.key} taint(s) with same effect(s) and --overwrite is false`,
      );
    }
  }
  for (const removal of request.remove) {
    const matches = (t: Taint) =>
      t.key === removal.key && (!removal.effect || t.effect === removal.effect);
    if (!taints.some(matches)) {
      throw new RequestError(
        "FailedPrecondition",
        `taint ${JSON.stringify(taintName(removal))} not found`,
      );
    }
    taints = taints.filter((t) => !matches(t));
  }
  taints = withTaints(
    taints,
    request.add.map(({ key, value, effect }) => ({ key, effect, ...(value && { value }) })),
    now,
  );
  const spec = { ...node.spec };
  if (taints.length > 0) spec.taints = taints;
  else delete spec.taints;
  return { ...node, spec };
}

export function setUnschedulable(
  stored: NodeObject | undefined,
  name: string,
  unschedulable: boolean,
): NodeObject {
  const node = existing(stored, name);
  const spec = { ...node.spec };
  // Kubernetes omits a false unschedulable; leaving it out keeps an uncordoned node as it was.
  if (unschedulable) spec.unschedulable = true;
  else delete spec.unschedulable;
  return { ...node, spec };
}

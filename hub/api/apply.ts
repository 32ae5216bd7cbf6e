// `apply`: every document of a manifest validated first, then created or updated in one store
// transaction, so a manifest is stored whole or not at all. Idempotent: applying the same
// manifest again writes nothing and reports "unchanged".
import { ManifestError } from "../../agent/pods/manifest-error.js";
import type { DaemonSetObject, NodeObject, Store } from "../store/index.js";
import { documentLabel, validDaemonSet, type ValidDaemonSet } from "./daemonset-manifest.js";
import { parseManifestDocuments, type ManifestDocument } from "./manifest-documents.js";
import { applyNodeIntent } from "./node-edits.js";
import { validNode, type NodeIntent } from "./node-manifest.js";
import type { ApplyOutcome, ApplyResult } from "./types.js";
import { keepRolloutMarks } from "./rollout.js";
import { writeWithRetry, type WriteOutcome } from "./write-with-retry.js";

type Prepared =
  { kind: "DaemonSet"; daemonSet: ValidDaemonSet } | { kind: "Node"; node: NodeIntent };

function prepare(document: ManifestDocument): Prepared {
  const kind = document.value["kind"];
  if (kind === "DaemonSet") return { kind, daemonSet: validDaemonSet(document) };
  if (kind === "Node") return { kind, node: validNode(document) };
  const reason =
    kind === undefined
      ? "required"
      : `must be DaemonSet (apps/v1) or Node (v1), not ${JSON.stringify(kind)}`;
  throw new ManifestError(documentLabel(document, String(kind ?? "object")), [
    { fieldPath: "kind", reason },
  ]);
}

const OUTCOMES: Record<WriteOutcome, ApplyOutcome> = {
  created: "created",
  updated: "configured",
  unchanged: "unchanged",
};

function applyDaemonSet(store: Store, { object, warnings }: ValidDaemonSet): ApplyResult {
  const { name, namespace = "" } = object.metadata;
  const ref = { kind: "DaemonSet" as const, namespace, name: name ?? "" };
  // The manifest owns the spec, labels and annotations whole, but for what `rollout` marked;
  // status stays the controller's.
  const { outcome } = writeWithRetry<DaemonSetObject>(store, ref, (stored) => {
    if (stored === undefined) return object;
    const applied = keepRolloutMarks(stored, object);
    return {
      ...stored,
      metadata: {
        ...stored.metadata,
        labels: applied.metadata.labels,
        annotations: applied.metadata.annotations,
      },
      spec: applied.spec,
    };
  });
  return { ...ref, outcome: OUTCOMES[outcome], warnings };
}

function applyNode(store: Store, intent: NodeIntent, now: Date): ApplyResult {
  const ref = { kind: "Node" as const, namespace: "", name: intent.name };
  const { outcome } = writeWithRetry<NodeObject>(store, ref, (stored) =>
    applyNodeIntent(stored, intent, now),
  );
  return { ...ref, outcome: OUTCOMES[outcome], warnings: [] };
}

/**
 * Applies a manifest (YAML or JSON, one or more documents). Throws ManifestError, naming the
 * document and the field path, before anything is stored.
 */
export function applyManifest(store: Store, manifest: string, now: Date): ApplyResult[] {
  const prepared = parseManifestDocuments(manifest).map(prepare);
  return store.transaction(() =>
    prepared.map((item) =>
      item.kind === "DaemonSet"
        ? applyDaemonSet(store, item.daemonSet)
        : applyNode(store, item.node, now),
    ),
  );
}

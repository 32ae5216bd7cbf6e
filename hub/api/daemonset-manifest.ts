// An apps/v1 DaemonSet document, validated with the agent's own schema before the hub stores it,
// so the hub refuses exactly what an agent would refuse to run, in the same words.
import { stripIgnored } from "../../agent/pods/field-policy.js";
import { parseManifestObject } from "../../agent/pods/manifest.js";
import { daemonSetManifestSchema } from "../../agent/pods/manifest-schema.js";
import { DEFAULT_NAMESPACE, type DaemonSetObject } from "../store/index.js";
import type { ManifestDocument } from "./manifest-documents.js";

export interface ValidDaemonSet {
  /** What the store keeps: the fields daemonlet honours, no status, no server-set metadata. */
  object: DaemonSetObject;
  /** Fields accepted without effect, e.g. `spec.template.spec.serviceAccountName is ignored`. */
  warnings: string[];
}

// Server-set metadata and status come back from every `get -o yaml`; re-applying that output is
// normal, so dropping them is not worth a warning.
const SILENTLY_IGNORED = /^(status$|metadata\.|spec\.template\.metadata\.)/;

/** `document 2, DaemonSet "fluentd"`: where a problem is, before the field path. */
export function documentLabel(document: ManifestDocument, kind: string): string {
  const metadata = document.value["metadata"];
  const name =
    typeof metadata === "object" && metadata !== null && "name" in metadata
      ? metadata.name
      : undefined;
  return typeof name === "string" && name !== ""
    ? `${document.source}, ${kind} ${JSON.stringify(name)}`
    : `${document.source}, ${kind}`;
}

/** Throws a ManifestError naming the document and field path when the DaemonSet is refused. */
export function validDaemonSet(document: ManifestDocument): ValidDaemonSet {
  // The agent's parser reports every problem with its field path, in the agent's words.
  const { ignored } = parseManifestObject(document.value, documentLabel(document, "DaemonSet"));
  // Valid now, so this parse cannot fail; it yields the typed object without ignored fields.
  const { value } = stripIgnored(daemonSetManifestSchema.parse(document.value));
  const { name, namespace, labels, annotations } = value.metadata;
  return {
    object: {
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: {
        name,
        namespace: namespace ?? DEFAULT_NAMESPACE,
        ...(labels && { labels }),
        ...(annotations && { annotations }),
      },
      spec: value.spec,
    },
    warnings: ignored.filter((path) => !SILENTLY_IGNORED.test(path)).map((p) => `${p} is ignored`),
  };
}

// Reads one manifest file (YAML or JSON) into the pod daemonlet will run: a v1 Pod as written,
// or the template of an apps/v1 DaemonSet. Everything wrong is reported as a ManifestError
// naming the file and the field path.
import { parseAllDocuments, type YAMLError } from "yaml";
import { z } from "zod";
import type { DefaultedPodSpec } from "./desired-pod.js";
import { formatFieldPath } from "./field-path.js";
import { stripIgnored } from "./field-policy.js";
import { ManifestError, type ManifestProblemDetail } from "./manifest-error.js";
import { daemonSetManifestSchema, podManifestSchema } from "./manifest-schema.js";
import { applyPodDefaults } from "./pod-defaults.js";
import { errorMessage } from "../error-message.js";

export { ManifestError, isManifestError } from "./manifest-error.js";

export interface ParsedManifest {
  kind: "Pod" | "DaemonSet";
  /** The Pod's name, or the DaemonSet's. */
  name: string;
  namespace: string;
  /** The Pod's labels and annotations, or the DaemonSet template's. */
  labels: Record<string, string>;
  annotations: Record<string, string>;
  spec: DefaultedPodSpec;
  /** Paths of fields accepted without effect, e.g. `spec.serviceAccountName`. */
  ignored: string[];
}

export function parseManifest(text: string, file: string): ParsedManifest {
  return parseManifestObject(readSingleDocument(text, file), file);
}

/** The same, for a document already decoded (from JSON, or from the hub). */
export function parseManifestObject(document: unknown, file: string): ParsedManifest {
  const input = dropNulls(document);
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new ManifestError(file, [{ reason: "must be a v1 Pod or an apps/v1 DaemonSet object" }]);
  }
  const kind: unknown = "kind" in input ? input.kind : undefined;
  if (kind === "Pod") {
    const { value: pod, ignored } = stripIgnored(validateManifest(podManifestSchema, input, file));
    return {
      kind,
      name: pod.metadata.name,
      namespace: pod.metadata.namespace ?? "default",
      labels: pod.metadata.labels ?? {},
      annotations: pod.metadata.annotations ?? {},
      spec: applyPodDefaults(pod.spec),
      ignored,
    };
  }
  if (kind === "DaemonSet") {
    const { value: ds, ignored } = stripIgnored(
      validateManifest(daemonSetManifestSchema, input, file),
    );
    const template = ds.spec.template;
    return {
      kind,
      name: ds.metadata.name,
      namespace: ds.metadata.namespace ?? "default",
      labels: template.metadata?.labels ?? {},
      annotations: template.metadata?.annotations ?? {},
      spec: applyPodDefaults(template.spec),
      ignored,
    };
  }
  const reason = kind === undefined ? "required" : `must be Pod or DaemonSet, not ${String(kind)}`;
  throw new ManifestError(file, [{ fieldPath: "kind", reason }]);
}

function readSingleDocument(text: string, file: string): unknown {
  const documents: unknown[] = [];
  for (const doc of parseAllDocuments(text)) {
    const [error] = doc.errors;
    if (error) throw new ManifestError(file, [{ reason: yamlReason(error) }]);
    let value: unknown;
    try {
      value = doc.toJS();
    } catch (err) {
      // Unresolved or excessive aliases surface only when the document is built.
      const message = errorMessage(err);
      throw new ManifestError(file, [{ reason: `YAML error: ${message}` }]);
    }
    // `---` separators around a single object leave empty documents; they do not count.
    if (value !== null && value !== undefined) documents.push(value);
  }
  if (documents.length === 0) {
    throw new ManifestError(file, [
      { reason: "is empty; expected a v1 Pod or an apps/v1 DaemonSet" },
    ]);
  }
  if (documents.length > 1) {
    const reason = `holds ${documents.length} documents; a manifest file holds exactly one Pod or DaemonSet`;
    throw new ManifestError(file, [{ reason }]);
  }
  return documents[0];
}

function yamlReason(error: YAMLError): string {
  // The library's message ends with its own position and a source excerpt; keep the first clause.
  const what = error.message.split(" at line ")[0] ?? error.message;
  const at = error.linePos?.[0];
  return at
    ? `YAML syntax error at line ${at.line}, column ${at.col}: ${what}`
    : `YAML syntax error: ${what}`;
}

// Kubernetes reads `field: null` (and an empty `field:` in YAML) as an unset field.
function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, dropNulls(v)]),
  );
}

/** Validates with a manifest schema; a failure is a ManifestError naming every field path. */
export function validateManifest<S extends z.ZodType>(
  schema: S,
  input: unknown,
  file: string,
): z.output<S> {
  const result = schema.safeParse(input, { error: messageFor });
  if (result.success) return result.data;
  const unknownFields: ManifestProblemDetail[] = [];
  const others: ManifestProblemDetail[] = [];
  for (const issue of result.error.issues) {
    const path = issue.path.filter((p) => typeof p !== "symbol");
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        unknownFields.push({ fieldPath: formatFieldPath([...path, key]), reason: "unknown field" });
      }
    } else {
      others.push({ fieldPath: formatFieldPath(path), reason: issue.message });
    }
  }
  // An unknown field is usually a typo that also explains the other problems, so it goes first.
  const [first, ...rest] = [...unknownFields, ...others];
  throw new ManifestError(file, first ? [first, ...rest] : [{ reason: "is invalid" }]);
}

const TYPE_NAMES: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "true or false",
  array: "a list",
  object: "a mapping",
  record: "a mapping",
};

// Messages in Kubernetes' words rather than zod's; schema-specific messages take precedence.
function messageFor(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case "invalid_type":
      if (issue.input === undefined) return "required";
      return `must be ${TYPE_NAMES[issue.expected] ?? issue.expected}`;
    case "invalid_value":
      return issue.values.length === 1
        ? `must be ${JSON.stringify(issue.values[0])}`
        : `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    default:
      return undefined;
  }
}

// Splits a manifest (YAML or JSON, one or more `---`-separated documents) into the objects it
// holds, each with a label that says where it came from, so every error can point at it. A
// `v1 List` (what `get -o yaml` prints) counts as its items.
import { parseAllDocuments } from "yaml";
import { ManifestError } from "../../agent/pods/manifest-error.js";
import { errorMessage } from "../../agent/error-message.js";

export interface ManifestDocument {
  /** `document 2`, or `document 1, items[3]` for an item of a List. */
  source: string;
  /** The object with `null` fields removed, as Kubernetes reads `field: null` as unset. */
  value: Record<string, unknown>;
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, item]) => item !== null)
      .map(([key, item]) => [key, withoutNulls(item)]),
  );
}

function yamlValues(text: string): unknown[] {
  const values: unknown[] = [];
  for (const [index, doc] of parseAllDocuments(text).entries()) {
    const source = `document ${index + 1}`;
    const [error] = doc.errors;
    if (error) {
      // The library's message ends with a source excerpt; the first clause and position suffice.
      const what = error.message.split(" at line ")[0] ?? error.message;
      const at = error.linePos?.[0];
      const where = at ? ` at line ${at.line}, column ${at.col}` : "";
      throw new ManifestError(source, [{ reason: `YAML syntax error${where}: ${what}` }]);
    }
    try {
      values.push(doc.toJS());
    } catch (err) {
      // Unresolved or excessive aliases surface only when the document is built.
      const message = errorMessage(err);
      throw new ManifestError(source, [{ reason: `YAML error: ${message}` }]);
    }
  }
  return values;
}

/** Every object in the manifest, in order; refuses a manifest that holds none. */
export function parseManifestDocuments(text: string): ManifestDocument[] {
  const documents: ManifestDocument[] = [];
  for (const [index, raw] of yamlValues(text).entries()) {
    // `---` around a single object leaves empty documents; they do not count.
    if (raw === null || raw === undefined) continue;
    const source = `document ${index + 1}`;
    const value = withoutNulls(raw);
    if (!isObject(value)) {
      throw new ManifestError(source, [{ reason: "must be a Kubernetes object (a mapping)" }]);
    }
    if (value["kind"] !== "List") {
      documents.push({ source, value });
      continue;
    }
    const items = value["items"] ?? [];
    if (!Array.isArray(items)) {
      throw new ManifestError(source, [{ fieldPath: "items", reason: "must be a list" }]);
    }
    for (const [i, item] of items.entries()) {
      if (!isObject(item)) {
        throw new ManifestError(source, [
          { fieldPath: `items[${i}]`, reason: "must be a mapping" },
        ]);
      }
      documents.push({ source: `${source}, items[${i}]`, value: item });
    }
  }
  if (documents.length === 0) {
    throw new ManifestError("manifest", [{ reason: "is empty: it holds no object" }]);
  }
  return documents;
}

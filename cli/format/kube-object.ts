// Objects of any kind as `kubectl get -o json|yaml` prints them: one object as itself, several
// as a `v1 List`, so tools written for kubectl's output (jq, yq, scripts) read ours unchanged.
// Keys sorted as kubectl's generic printer sorts them, JSON indented by four spaces, YAML with
// sequences flush with their key and YAML 1.1 quoting (so `on`, `no` and timestamps stay strings).
import { stringify } from "yaml";

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, item]) => [key, sortKeys(item)]),
  );
}

export type ObjectFormat = "json" | "yaml";

function print(value: unknown, format: ObjectFormat): string {
  const sorted = sortKeys(value);
  return format === "json"
    ? `${JSON.stringify(sorted, null, 4)}\n`
    : stringify(sorted, { indentSeq: false, version: "1.1" });
}

export function formatObject(object: object, format: ObjectFormat): string {
  return print(object, format);
}

/** kubectl prints a `List` with empty metadata and resourceVersion. */
export function formatObjectList(objects: readonly object[], format: ObjectFormat): string {
  return print(
    { apiVersion: "v1", kind: "List", items: objects, metadata: { resourceVersion: "" } },
    format,
  );
}

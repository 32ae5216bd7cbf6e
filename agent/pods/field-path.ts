/** One step of a field path: an object key or an array index. */
export type PathSegment = string | number;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Formats a path the way Kubernetes names fields in its errors: `spec.containers[0].image`.
 * Map keys that are not identifiers (label keys, `ephemeral-storage`) go in brackets, as
 * Kubernetes writes `metadata.labels[app.kubernetes.io/name]`.
 */
export function formatFieldPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (!IDENTIFIER.test(segment)) out += `[${segment}]`;
    else out += out === "" ? segment : `.${segment}`;
  }
  return out;
}

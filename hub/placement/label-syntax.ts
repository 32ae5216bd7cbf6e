// Label key and value syntax (Kubernetes apimachinery `validation.IsQualifiedName` and
// `IsValidLabelValue`). It matters for placement, not just for validation: Kubernetes builds a
// node-affinity expression with `labels.NewRequirement`, which rejects a malformed key or value,
// and a rejected expression makes its whole term match no node — e.g. `Gt ["-1"]` never matches,
// because "-1" is not a valid label value even though it is an integer.

const NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const MAX_NAME = 63;
const MAX_PREFIX = 253;

/** A label key: `name` or `prefix/name`, the prefix a DNS subdomain. */
export function isQualifiedName(key: string): boolean {
  const parts = key.split("/");
  if (parts.length > 2) return false;
  const name = parts.pop() ?? "";
  const prefix = parts.pop();
  if (prefix !== undefined && !(prefix.length <= MAX_PREFIX && DNS1123_SUBDOMAIN.test(prefix))) {
    return false;
  }
  return name.length <= MAX_NAME && NAME.test(name);
}

/** A label value: empty, or up to 63 characters starting and ending with a letter or digit. */
export function isValidLabelValue(value: string): boolean {
  return value.length <= MAX_NAME && VALUE.test(value);
}

// Kubernetes' formats for names, keys and paths. Each check returns what is wrong, or undefined,
// so the schema and the hub can use the same words.

export type FormatCheck = (value: string) => string | undefined;

const LABEL = "[a-z0-9](?:[-a-z0-9]*[a-z0-9])?";
const DNS1123_LABEL = new RegExp(`^${LABEL}$`);
const DNS1123_SUBDOMAIN = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`);
const QUALIFIED_NAME_PART = /^(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const IANA_SVC_NAME = /^[-a-z0-9]+$/;

export const dns1123Label: FormatCheck = (v) =>
  v.length <= 63 && DNS1123_LABEL.test(v)
    ? undefined
    : "must be a lowercase RFC 1123 label: lowercase letters, digits and '-', starting and " +
      "ending with a letter or digit, at most 63 characters";

export const dns1123Subdomain: FormatCheck = (v) =>
  v.length <= 253 && DNS1123_SUBDOMAIN.test(v)
    ? undefined
    : "must be a lowercase RFC 1123 subdomain: lowercase letters, digits, '-' and '.', starting " +
      "and ending with a letter or digit, at most 253 characters";

/** Label, annotation and node selector keys: `[prefix/]name`, e.g. `app.kubernetes.io/name`. */
export const qualifiedName: FormatCheck = (v) => {
  const slash = v.indexOf("/");
  const prefix = slash === -1 ? undefined : v.slice(0, slash);
  const name = slash === -1 ? v : v.slice(slash + 1);
  if (prefix !== undefined && dns1123Subdomain(prefix)) {
    return "must have a prefix that is a lowercase RFC 1123 subdomain before the '/'";
  }
  return name.length <= 63 && QUALIFIED_NAME_PART.test(name)
    ? undefined
    : "must be a qualified name: an optional DNS subdomain prefix and '/', then at most 63 " +
        "letters, digits, '-', '_' or '.', starting and ending with a letter or digit";
};

export const labelValue: FormatCheck = (v) =>
  v === "" || (v.length <= 63 && QUALIFIED_NAME_PART.test(v))
    ? undefined
    : "must be empty or at most 63 letters, digits, '-', '_' or '.', starting and ending with " +
      "a letter or digit";

export const envVarName: FormatCheck = (v) =>
  ENV_VAR_NAME.test(v)
    ? undefined
    : "must consist of letters, digits, '_', '-' and '.', and must not start with a digit";

/** Container port names (IANA_SVC_NAME). */
export const portName: FormatCheck = (v) =>
  v.length <= 15 &&
  IANA_SVC_NAME.test(v) &&
  /[a-z]/.test(v) &&
  !v.startsWith("-") &&
  !v.endsWith("-") &&
  !v.includes("--")
    ? undefined
    : "must be an IANA service name: at most 15 lowercase letters, digits and '-', with at " +
      "least one letter and no leading, trailing or double '-'";

export const absolutePath: FormatCheck = (v) =>
  v.startsWith("/") ? undefined : "must be an absolute path";

/** subPath: inside the volume, so relative and never climbing out with `..`. */
export const relativePathInside: FormatCheck = (v) => {
  if (v.startsWith("/")) return "must be a relative path";
  return v.split("/").includes("..") ? "must not contain '..'" : undefined;
};

/** hostPath paths: absolute, and without `..` so the node's policy sees the real target. */
export const hostPathPath: FormatCheck = (v) => {
  if (!v.startsWith("/")) return "must be an absolute path";
  return v.split("/").includes("..") ? "must not contain '..'" : undefined;
};

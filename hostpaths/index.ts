// hostPath volumes: the operator's policy, the Kubernetes type semantics, and subPaths.
export { HostPathError, isHostPathError, type HostPathErrorReason } from "./errors.js";
export { DEFAULT_HOST_PATH_POLICY, normalizePolicy, type HostPathPolicy } from "./policy.js";
export { resolveHostPath, type HostPathRequest, type ResolvedHostPath } from "./resolve.js";
export { resolveSubPath, type SubPathOptions } from "./subpath.js";
export { HOST_PATH_TYPES, type HostPathType } from "./types.js";

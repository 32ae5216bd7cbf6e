// The hub's API: the gRPC service the CLI talks to (proto/hub_api.proto), its client, and the
// pure pieces the CLI also runs offline (explain against a nodes file).
export { startHubApi, DEFAULT_MAX_REQUEST_BYTES } from "./server.js";
export type { HubApiOptions, HubApiServer } from "./server.js";
export { HubClient, HubApiError, isHubApiError, DEFAULT_HUB_ADDRESS } from "./client.js";
export type { HubApiErrorReason, HubWatch } from "./client.js";
export { daemonSetToExplain, explainPlacement, nodesFromManifest } from "./explain.js";
export { parseManifestDocuments } from "./manifest-documents.js";
export type { ManifestDocument } from "./manifest-documents.js";
export { isObjectOfKind } from "./object-codec.js";
export * from "./types.js";
export { ROLLOUT_ACTIONS, RESTARTED_AT_ANNOTATION } from "./rollout.js";
export type { RolloutAction, RolloutRequest, RolloutResult } from "./rollout.js";

// The messages of agent_local.proto as plain objects, in the form @grpc/proto-loader serialises
// (see pod-message.ts for why only the written side is typed).
import type { PodMessage } from "./pod-message.js";

export type ListPodsRequestMessage = Record<string, never>;

export interface ListPodsResponseMessage {
  node_name: string;
  pods: PodMessage[];
  manifest_problems: ManifestProblemMessage[];
}

export interface ManifestProblemMessage {
  file: string;
  message: string;
  /** Empty when no earlier good version of the file runs. */
  kept_pod: string;
}

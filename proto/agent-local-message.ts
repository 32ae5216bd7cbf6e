// The messages of agent_local.proto as plain objects, in the form proto/load.ts serialises
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

export interface LogsRequestMessage {
  pod_name: string;
  /** Empty means "default". */
  namespace: string;
  /** Empty when the pod's only container is meant. */
  container: string;
  follow: boolean;
  previous: boolean;
  /** Decimal, as 64-bit integers travel; left out for all lines. */
  tail_lines?: string;
  timestamps: boolean;
}

export interface LogChunkMessage {
  data: Uint8Array;
  stream: "stdout" | "stderr";
}

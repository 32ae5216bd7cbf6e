import type { Pod } from "kubernetes-types/core/v1.js";
import type { LogOptions, LogStream } from "../runtime/runtime.js";

/** A manifest file the agent could not use, kept visible until the file is fixed or removed. */
export interface ManifestProblem {
  file: string;
  /** Names the field path and what is wrong, e.g. `spec.containers[0].image: required`. */
  message: string;
  /** Set when an earlier good version of the file still runs as this pod. */
  keptPod?: string;
}

/** What the agent's local API serves: the node's pods as Kubernetes shapes them. */
export interface NodePodsView {
  nodeName: string;
  pods(): Pod[];
  manifestProblems(): ManifestProblem[];
  /** One of the pods' containers' output, by the id its status reports (ContainerRuntime.logs). */
  containerLogs(
    containerId: string,
    opts: LogOptions,
    onChunk: (stream: LogStream, data: Buffer) => void,
  ): Promise<void>;
}

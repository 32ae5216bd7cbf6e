import type { ObjectMeta } from "kubernetes-types/meta/v1.js";
import type { Container, PodSpec } from "kubernetes-types/core/v1.js";

export type PodSource = "static" | "hub";

/**
 * A pod this node should run, as the sources hand it to the agent. The spec is a Kubernetes
 * `v1 PodSpec` that has passed validation and has its defaults filled in (restartPolicy,
 * terminationGracePeriodSeconds, every container's imagePullPolicy), so nothing downstream
 * guesses a default again.
 */
export interface DesiredPod {
  uid: string;
  name: string;
  namespace: string;
  nodeName: string;
  source: PodSource;
  /** Where it came from, for messages: a manifest file path, or the hub. */
  sourceRef: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  spec: DefaultedPodSpec;
}

export type DefaultedContainer = Omit<Container, "image" | "imagePullPolicy"> & {
  image: string;
  imagePullPolicy: "Always" | "IfNotPresent" | "Never";
};

export type DefaultedPodSpec = Omit<
  PodSpec,
  "restartPolicy" | "terminationGracePeriodSeconds" | "containers" | "initContainers"
> & {
  restartPolicy: "Always" | "OnFailure" | "Never";
  terminationGracePeriodSeconds: number;
  containers: DefaultedContainer[];
  /** Absent when the pod has none (an empty list is dropped, so it hashes like no list). */
  initContainers?: DefaultedContainer[];
};

/** Init containers first, then app containers: every container the pod may run. */
export function podContainers(pod: DesiredPod): DefaultedContainer[] {
  return [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
}

/** The pod's identity as API metadata, for the pods the agent reports without running them. */
export function podObjectMeta(
  pod: Pick<DesiredPod, "name" | "namespace" | "uid" | "labels" | "annotations">,
): ObjectMeta {
  return {
    name: pod.name,
    namespace: pod.namespace || "default",
    uid: pod.uid,
    labels: pod.labels,
    annotations: pod.annotations,
  };
}

// Kubernetes' defaults for the fields daemonlet honours, filled in once after validation so
// nothing downstream guesses a default again (and the spec hash sees the same form every time).
import type { DefaultedContainer, DefaultedPodSpec } from "./desired-pod.js";
import { defaultImagePullPolicy } from "./image-ref.js";
import type { ValidPodSpec } from "./pod-schema.js";

type ValidContainer = ValidPodSpec["containers"][number];

export function applyPodDefaults({ initContainers, ...spec }: ValidPodSpec): DefaultedPodSpec {
  const hostNetwork = spec.hostNetwork === true;
  return {
    ...spec,
    restartPolicy: spec.restartPolicy ?? "Always",
    terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds ?? 30,
    containers: spec.containers.map((c) => defaultContainer(c, hostNetwork)),
    ...(initContainers?.length && {
      initContainers: initContainers.map((c) => defaultContainer(c, hostNetwork)),
    }),
    ...(spec.volumes && {
      volumes: spec.volumes.map((v) =>
        v.hostPath ? { ...v, hostPath: { ...v.hostPath, type: v.hostPath.type ?? "" } } : v,
      ),
    }),
  };
}

function defaultContainer(c: ValidContainer, hostNetwork: boolean): DefaultedContainer {
  const { limits, requests } = c.resources ?? {};
  return {
    ...c,
    imagePullPolicy: c.imagePullPolicy ?? defaultImagePullPolicy(c.image),
    ...(c.ports && {
      ports: c.ports.map(({ hostPort, ...port }) => {
        // With host networking the container's port is the host's port.
        const effectiveHostPort = hostPort || (hostNetwork ? port.containerPort : undefined);
        return {
          ...port,
          protocol: port.protocol ?? "TCP",
          ...(effectiveHostPort && { hostPort: effectiveHostPort }),
        };
      }),
    }),
    // A limit without a request means a request of the same size.
    ...(limits && { resources: { ...c.resources, requests: { ...limits, ...requests } } }),
  };
}

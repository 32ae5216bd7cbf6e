// Which container a `logs` request reads. The rules are the kubelet's (validateContainerLogStatus)
// applied to the pod's status as this node reports it, so `--previous` reads exactly the attempt
// `lastState` shows, and the refusals use kubectl's words.
import type { ContainerStatus, Pod } from "kubernetes-types/core/v1.js";

export interface LogTargetQuery {
  podName: string;
  namespace: string;
  /** Unset when the pod's only container is meant. */
  container?: string;
  previous: boolean;
}

export type LogTargetRefusal =
  /** No pod of that name in that namespace on this node. */
  | "PodNotFound"
  /** The pod has several containers and the request named none. */
  | "ContainerNotSpecified"
  /** The pod has no container of that name. */
  | "ContainerNotFound"
  /** `previous` was asked and no earlier attempt of the container has terminated. */
  | "PreviousNotFound"
  /** The container has no output to read yet: it never started. */
  | "NoOutput";

export type LogTarget =
  { ok: true; containerId: string } | { ok: false; reason: LogTargetRefusal; message: string };

export function resolveLogTarget(pods: readonly Pod[], query: LogTargetQuery): LogTarget {
  const { podName } = query;
  const named = pods.filter(
    (p) => p.metadata?.name === podName && (p.metadata.namespace ?? "default") === query.namespace,
  );
  // While a replaced pod's containers stop, its successor of the same name is the one meant.
  const pod = named.find((p) => p.metadata?.deletionTimestamp === undefined) ?? named[0];
  if (pod === undefined) return refuse("PodNotFound", `pods "${podName}" not found`);

  const names = containerNames(pod);
  const initNames = initContainerNames(pod);
  // Like kubectl: a pod's only app container is meant by default, whatever its init containers.
  const name = query.container ?? (names.length === 1 ? names[0] : undefined);
  if (name === undefined) {
    const inits =
      initNames.length > 0 ? ` or one of the init containers: [${initNames.join(" ")}]` : "";
    return refuse(
      "ContainerNotSpecified",
      `a container name must be specified for pod ${podName}, choose one of: [${names.join(" ")}]${inits}`,
    );
  }
  if (!names.includes(name) && !initNames.includes(name)) {
    return refuse("ContainerNotFound", `container ${name} is not valid for pod ${podName}`);
  }
  const statuses = [
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.containerStatuses ?? []),
  ];
  const status = statuses.find((s) => s.name === name);
  const which = `container "${name}" in pod "${podName}"`;
  if (status === undefined) return refuse("NoOutput", `${which} is not available`);
  return fromStatus(status, query.previous, which);
}

/** The spec's order, as kubectl lists them; a pod being removed has only its statuses left. */
function containerNames(pod: Pod): string[] {
  const fromSpec = pod.spec?.containers.map((c) => c.name);
  return fromSpec ?? pod.status?.containerStatuses?.map((s) => s.name) ?? [];
}

function initContainerNames(pod: Pod): string[] {
  const fromSpec = pod.spec?.initContainers?.map((c) => c.name);
  return fromSpec ?? pod.status?.initContainerStatuses?.map((s) => s.name) ?? [];
}

function fromStatus(status: ContainerStatus, previous: boolean, which: string): LogTarget {
  const last = status.lastState?.terminated?.containerID;
  const { running, terminated, waiting } = status.state ?? {};
  if (previous) {
    return last
      ? target(last)
      : refuse("PreviousNotFound", `previous terminated ${which} not found`);
  }
  if (running && status.containerID) return target(status.containerID);
  // A container that exited and waits to restart (CrashLoopBackOff) shows its last run's output.
  const finished = terminated?.containerID || last;
  if (finished) return target(finished);
  if (terminated) return refuse("NoOutput", `${which} is terminated`);
  const reason = waiting?.reason;
  switch (reason) {
    case undefined:
      return refuse("NoOutput", `${which} is waiting to start - no logs yet`);
    case "ErrImagePull":
      return refuse("NoOutput", `${which} is waiting to start: image can't be pulled`);
    case "ImagePullBackOff":
      return refuse("NoOutput", `${which} is waiting to start: trying and failing to pull image`);
    default:
      return refuse("NoOutput", `${which} is waiting to start: ${reason}`);
  }
}

/** Statuses name containers as `docker://<id>`; the engine wants the bare id. */
function target(containerID: string): LogTarget {
  return { ok: true, containerId: containerID.replace(/^[a-z][a-z0-9+.-]*:\/\//, "") };
}

function refuse(reason: LogTargetRefusal, message: string): LogTarget {
  return { ok: false, reason, message };
}

// Kubernetes pods (kubernetes-types) to and from daemonlet.v1.Pod messages (proto/pod.proto).
// Pure: no I/O, no clock. Kubernetes omits empty optional fields in its JSON while proto3 reads
// them back as zero values, so decoding leaves out empty optional strings and maps and keeps the
// fields Kubernetes requires; a pod that follows that convention survives the round trip intact.
import type {
  ContainerState,
  ContainerStatus,
  Pod,
  PodCondition,
  PodSpec,
  PodStatus,
} from "kubernetes-types/core/v1.js";
import type {
  ContainerStateMessage,
  ContainerStatusMessage,
  PodConditionMessage,
  PodMessage,
  PodStatusMessage,
} from "../../proto/pod-message.js";
import {
  bytes,
  flag,
  int,
  isFields,
  message,
  messages,
  optionalText,
  text,
  textMap,
  type Fields,
} from "./message-fields.js";

export function podToMessage(pod: Pod): PodMessage {
  const meta = pod.metadata ?? {};
  const encoded: PodMessage = {
    metadata: {
      name: meta.name ?? "",
      namespace: meta.namespace ?? "",
      uid: meta.uid ?? "",
      labels: meta.labels ?? {},
      annotations: meta.annotations ?? {},
      creation_timestamp: meta.creationTimestamp ?? "",
      deletion_timestamp: meta.deletionTimestamp ?? "",
    },
    spec_json:
      pod.spec === undefined
        ? new Uint8Array()
        : new TextEncoder().encode(JSON.stringify(pod.spec)),
  };
  if (pod.status !== undefined) encoded.status = statusToMessage(pod.status);
  return encoded;
}

function statusToMessage(status: PodStatus): PodStatusMessage {
  return {
    phase: status.phase ?? "",
    conditions: (status.conditions ?? []).map(conditionToMessage),
    host_ip: status.hostIP ?? "",
    pod_ip: status.podIP ?? "",
    start_time: status.startTime ?? "",
    reason: status.reason ?? "",
    message: status.message ?? "",
    container_statuses: (status.containerStatuses ?? []).map(containerStatusToMessage),
    init_container_statuses: (status.initContainerStatuses ?? []).map(containerStatusToMessage),
  };
}

function conditionToMessage(condition: PodCondition): PodConditionMessage {
  return {
    type: condition.type,
    status: condition.status,
    reason: condition.reason ?? "",
    message: condition.message ?? "",
    last_transition_time: condition.lastTransitionTime ?? "",
  };
}

function containerStatusToMessage(status: ContainerStatus): ContainerStatusMessage {
  const encoded: ContainerStatusMessage = {
    name: status.name,
    image: status.image,
    image_id: status.imageID,
    container_id: status.containerID ?? "",
    ready: status.ready,
    started: status.started ?? false,
    restart_count: status.restartCount,
  };
  if (status.state !== undefined) encoded.state = stateToMessage(status.state);
  if (status.lastState !== undefined) encoded.last_state = stateToMessage(status.lastState);
  return encoded;
}

/** Kubernetes allows at most one member; should a pod carry several, the earliest phase wins. */
function stateToMessage(state: ContainerState): ContainerStateMessage {
  const { waiting, running, terminated } = state;
  if (waiting !== undefined) {
    return { waiting: { reason: waiting.reason ?? "", message: waiting.message ?? "" } };
  }
  if (running !== undefined) return { running: { started_at: running.startedAt ?? "" } };
  if (terminated !== undefined) {
    return {
      terminated: {
        exit_code: terminated.exitCode,
        signal: terminated.signal ?? 0,
        reason: terminated.reason ?? "",
        message: terminated.message ?? "",
        started_at: terminated.startedAt ?? "",
        finished_at: terminated.finishedAt ?? "",
        container_id: terminated.containerID ?? "",
      },
    };
  }
  return {};
}

/**
 * Reads a decoded daemonlet.v1.Pod back into a Kubernetes pod. Takes `unknown` because the
 * message comes off the wire; throws a TypeError naming the field when it is not a Pod message.
 */
export function podFromMessage(encoded: unknown): Pod {
  if (!isFields(encoded)) throw new TypeError("expected a daemonlet.v1.Pod message");
  const meta = message(encoded, "metadata") ?? {};
  const spec = specFromJson(bytes(encoded, "spec_json"));
  const status = message(encoded, "status");
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: dropUndefined({
      name: optionalText(meta, "name"),
      namespace: optionalText(meta, "namespace"),
      uid: optionalText(meta, "uid"),
      labels: textMap(meta, "labels"),
      annotations: textMap(meta, "annotations"),
      creationTimestamp: optionalText(meta, "creation_timestamp"),
      deletionTimestamp: optionalText(meta, "deletion_timestamp"),
    }),
    ...(spec === undefined ? {} : { spec }),
    ...(status === undefined ? {} : { status: statusFromMessage(status) }),
  };
}

function isPodSpec(value: unknown): value is PodSpec {
  return isFields(value) && Array.isArray(value["containers"]);
}

function specFromJson(json: Uint8Array): PodSpec | undefined {
  if (json.length === 0) return undefined;
  const spec: unknown = JSON.parse(new TextDecoder().decode(json));
  if (!isPodSpec(spec)) throw new TypeError("field spec_json: expected a PodSpec with containers");
  return spec;
}

function statusFromMessage(status: Fields): PodStatus {
  const conditions = messages(status, "conditions").map(conditionFromMessage);
  const containerStatuses = messages(status, "container_statuses").map(containerStatusFromMessage);
  const initContainerStatuses = messages(status, "init_container_statuses").map(
    containerStatusFromMessage,
  );
  return dropUndefined({
    phase: optionalText(status, "phase"),
    conditions: conditions.length > 0 ? conditions : undefined,
    hostIP: optionalText(status, "host_ip"),
    podIP: optionalText(status, "pod_ip"),
    startTime: optionalText(status, "start_time"),
    reason: optionalText(status, "reason"),
    message: optionalText(status, "message"),
    initContainerStatuses: initContainerStatuses.length > 0 ? initContainerStatuses : undefined,
    containerStatuses: containerStatuses.length > 0 ? containerStatuses : undefined,
  });
}

function conditionFromMessage(condition: Fields): PodCondition {
  return dropUndefined({
    type: text(condition, "type"),
    status: text(condition, "status"),
    reason: optionalText(condition, "reason"),
    message: optionalText(condition, "message"),
    lastTransitionTime: optionalText(condition, "last_transition_time"),
  });
}

function containerStatusFromMessage(status: Fields): ContainerStatus {
  const state = message(status, "state");
  const lastState = message(status, "last_state");
  return dropUndefined({
    name: text(status, "name"),
    image: text(status, "image"),
    imageID: text(status, "image_id"),
    containerID: optionalText(status, "container_id"),
    ready: flag(status, "ready"),
    started: flag(status, "started"),
    restartCount: int(status, "restart_count"),
    state: state === undefined ? undefined : stateFromMessage(state),
    lastState: lastState === undefined ? undefined : stateFromMessage(lastState),
  });
}

function stateFromMessage(state: Fields): ContainerState {
  const waiting = message(state, "waiting");
  if (waiting !== undefined) {
    return {
      waiting: dropUndefined({
        reason: optionalText(waiting, "reason"),
        message: optionalText(waiting, "message"),
      }),
    };
  }
  const running = message(state, "running");
  if (running !== undefined) {
    return { running: dropUndefined({ startedAt: optionalText(running, "started_at") }) };
  }
  const terminated = message(state, "terminated");
  if (terminated !== undefined) {
    return {
      terminated: dropUndefined({
        exitCode: int(terminated, "exit_code"),
        // 0 is no signal, which Kubernetes leaves out.
        signal: int(terminated, "signal") || undefined,
        reason: optionalText(terminated, "reason"),
        message: optionalText(terminated, "message"),
        startedAt: optionalText(terminated, "started_at"),
        finishedAt: optionalText(terminated, "finished_at"),
        containerID: optionalText(terminated, "container_id"),
      }),
    };
  }
  return {};
}

/**
 * Leaves out the keys whose value is undefined, so a decoded pod has exactly the keys Kubernetes
 * would serialise (and compares equal to the pod that was encoded).
 */
function dropUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value)) {
    if (Reflect.get(value, key) === undefined) Reflect.deleteProperty(value, key);
  }
  return value;
}

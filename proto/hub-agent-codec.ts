// Frames of the agent protocol to and from protobuf bytes. Pure apart from reading the contracts
// once per process. Decoding takes whatever came off the wire and either returns a frame
// whose every field has been checked or throws ProtocolError MalformedFrame naming the field.
import {
  isFields,
  message,
  messages,
  optionalText,
  text,
  textMap,
  bytes,
  flag,
  int,
  type Fields,
} from "../agent/local-api/message-fields.js";
import { podFromMessage, podToMessage } from "../agent/local-api/pod-codec.js";
import type {
  AgentFrameMessage,
  AssignedPodMessage,
  HubFrameMessage,
  NodeUsageReportMessage,
} from "./hub-agent-message.js";
import {
  ProtocolError,
  type AgentFrame,
  type AgentHello,
  type AssignedPod,
  type HubFrame,
  type NodeHeartbeat,
  type ReceivedPod,
  type UsageReport,
} from "./hub-agent-frames.js";
import { loadHubAgentFrames, type HubAgentFrames } from "./load.js";

export class HubAgentCodec {
  private readonly frames: HubAgentFrames = loadHubAgentFrames();

  encodeAgentFrame(frame: AgentFrame): Uint8Array {
    return this.frames.agentFrame.serialize(agentFrameToMessage(frame));
  }

  encodeHubFrame(frame: HubFrame): Uint8Array {
    return this.frames.hubFrame.serialize(hubFrameToMessage(frame));
  }

  decodeAgentFrame(data: Uint8Array): AgentFrame {
    return decode("AgentFrame", () =>
      agentFrameFromMessage(this.frames.agentFrame.deserialize(data)),
    );
  }

  decodeHubFrame(data: Uint8Array): HubFrame<ReceivedPod> {
    return decode("HubFrame", () => hubFrameFromMessage(this.frames.hubFrame.deserialize(data)));
  }
}

/** protobufjs throws RangeError and friends on bad bytes, the field readers TypeError. */
function decode<T>(what: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ProtocolError("MalformedFrame", `malformed ${what}: ${reason}`, { cause: error });
  }
}

function agentFrameToMessage(frame: AgentFrame): AgentFrameMessage {
  switch (frame.kind) {
    case "hello": {
      const h = frame.hello;
      return {
        hello: {
          protocol_version: h.protocolVersion,
          node_name: h.nodeName,
          agent_version: h.agentVersion,
          labels: h.labels,
          capacity: h.capacity,
          addresses: h.addresses.map((a) => ({ type: a.type, address: a.address })),
          node_info: {
            os_image: h.nodeInfo.osImage,
            kernel_version: h.nodeInfo.kernelVersion,
            architecture: h.nodeInfo.architecture,
            container_runtime_version: h.nodeInfo.containerRuntimeVersion,
          },
          running_pod_uids: h.runningPodUids,
          last_applied_version: h.lastAppliedVersion,
          allocatable: h.allocatable,
          taints: h.taints.map((t) => ({ key: t.key, value: t.value ?? "", effect: t.effect })),
        },
      };
    }
    case "ack":
      return { ack: { version: frame.version } };
    case "podStatus":
      return { pod_status: { pods: frame.pods.map(podToMessage), gone_uids: frame.goneUids } };
    case "heartbeat":
      return {
        heartbeat: {
          time: frame.heartbeat.time,
          conditions: frame.heartbeat.conditions.map((c) => ({
            type: c.type,
            status: c.status,
            reason: c.reason ?? "",
            message: c.message ?? "",
            last_transition_time: c.lastTransitionTime ?? "",
          })),
        },
      };
    case "usage":
      return { usage: usageToMessage(frame.usage) };
  }
}

function usageToMessage(u: UsageReport): NodeUsageReportMessage {
  const n = u.node;
  return {
    time: u.time,
    window_seconds: u.windowSeconds,
    node: {
      cpu_nano_cores: n.cpuNanoCores,
      memory_working_set_bytes: n.memoryWorkingSetBytes,
      memory_available_bytes: n.memoryAvailableBytes,
      fs_used_bytes: n.fsUsedBytes,
      fs_available_bytes: n.fsAvailableBytes,
      fs_capacity_bytes: n.fsCapacityBytes,
      network_rx_bytes_per_second: n.networkRxBytesPerSecond,
      network_tx_bytes_per_second: n.networkTxBytesPerSecond,
    },
    pods: u.pods.map((p) => ({
      uid: p.uid,
      namespace: p.namespace,
      name: p.name,
      containers: p.containers.map((c) => ({
        name: c.name,
        cpu_nano_cores: c.cpuNanoCores,
        memory_working_set_bytes: c.memoryWorkingSetBytes,
      })),
    })),
    gone_pod_uids: u.goneUids,
    full: u.full,
  };
}

function hubFrameToMessage(frame: HubFrame): HubFrameMessage {
  switch (frame.kind) {
    case "welcome":
      return {
        welcome: {
          protocol_version: frame.protocolVersion,
          hub_version: frame.hubVersion,
          heartbeat_interval_seconds: frame.heartbeatIntervalSeconds,
          features: frame.features,
        },
      };
    case "snapshot":
      return { snapshot: { version: frame.version, pods: frame.pods.map(assignedPodToMessage) } };
    case "delta":
      return {
        delta: {
          version: frame.version,
          upserts: frame.upserts.map(assignedPodToMessage),
          removed_uids: frame.removedUids,
        },
      };
    case "error":
      return { error: { code: frame.code, message: frame.message } };
  }
}

function assignedPodToMessage(pod: AssignedPod): AssignedPodMessage {
  return {
    uid: pod.uid,
    name: pod.name,
    namespace: pod.namespace,
    labels: pod.labels,
    annotations: pod.annotations,
    spec_json: new TextEncoder().encode(JSON.stringify(pod.spec)),
  };
}

function agentFrameFromMessage(decoded: unknown): AgentFrame {
  const [kind, body] = oneofBody(decoded);
  switch (kind) {
    case "hello":
      return { kind, hello: helloFromMessage(body) };
    case "ack":
      return { kind, version: version(body, "version") };
    case "pod_status":
      return {
        kind: "podStatus",
        pods: messages(body, "pods").map((p) => podFromMessage(p)),
        goneUids: texts(body, "gone_uids"),
      };
    case "heartbeat":
      return { kind, heartbeat: heartbeatFromMessage(body) };
    case "usage":
      return { kind, usage: usageFromMessage(body) };
    default:
      throw new TypeError(`unknown body ${kind}`);
  }
}

function hubFrameFromMessage(decoded: unknown): HubFrame<ReceivedPod> {
  const [kind, body] = oneofBody(decoded);
  switch (kind) {
    case "welcome":
      return {
        kind,
        protocolVersion: int(body, "protocol_version"),
        hubVersion: text(body, "hub_version"),
        heartbeatIntervalSeconds: int(body, "heartbeat_interval_seconds"),
        features: texts(body, "features"),
      };
    case "snapshot":
      return {
        kind,
        version: version(body, "version"),
        pods: messages(body, "pods").map(receivedPodFromMessage),
      };
    case "delta":
      return {
        kind,
        version: version(body, "version"),
        upserts: messages(body, "upserts").map(receivedPodFromMessage),
        removedUids: texts(body, "removed_uids"),
      };
    case "error":
      return { kind, code: text(body, "code"), message: text(body, "message") };
    default:
      throw new TypeError(`unknown body ${kind}`);
  }
}

/** The loader names the set member of a oneof in `body`; an unknown member leaves it unset. */
function oneofBody(decoded: unknown): [string, Fields] {
  if (!isFields(decoded)) throw new TypeError("not a message");
  const kind = text(decoded, "body");
  if (kind === "") throw new TypeError("no body, or a body this version does not know");
  return [kind, message(decoded, kind) ?? {}];
}

function helloFromMessage(body: Fields): AgentHello {
  const info = message(body, "node_info") ?? {};
  return {
    protocolVersion: int(body, "protocol_version"),
    nodeName: text(body, "node_name"),
    agentVersion: text(body, "agent_version"),
    labels: textMap(body, "labels") ?? {},
    capacity: textMap(body, "capacity") ?? {},
    addresses: messages(body, "addresses").map((a) => ({
      type: text(a, "type"),
      address: text(a, "address"),
    })),
    nodeInfo: {
      osImage: text(info, "os_image"),
      kernelVersion: text(info, "kernel_version"),
      architecture: text(info, "architecture"),
      containerRuntimeVersion: text(info, "container_runtime_version"),
    },
    runningPodUids: texts(body, "running_pod_uids"),
    lastAppliedVersion: version(body, "last_applied_version"),
    allocatable: textMap(body, "allocatable") ?? {},
    taints: messages(body, "taints").map((t) => {
      const value = text(t, "value");
      return { key: text(t, "key"), ...(value === "" ? {} : { value }), effect: text(t, "effect") };
    }),
  };
}

function usageFromMessage(body: Fields): UsageReport {
  const n = message(body, "node") ?? {};
  return {
    time: text(body, "time"),
    windowSeconds: int(body, "window_seconds"),
    node: {
      cpuNanoCores: version(n, "cpu_nano_cores"),
      memoryWorkingSetBytes: version(n, "memory_working_set_bytes"),
      memoryAvailableBytes: version(n, "memory_available_bytes"),
      fsUsedBytes: version(n, "fs_used_bytes"),
      fsAvailableBytes: version(n, "fs_available_bytes"),
      fsCapacityBytes: version(n, "fs_capacity_bytes"),
      networkRxBytesPerSecond: version(n, "network_rx_bytes_per_second"),
      networkTxBytesPerSecond: version(n, "network_tx_bytes_per_second"),
    },
    pods: messages(body, "pods").map((p) => ({
      uid: text(p, "uid"),
      namespace: text(p, "namespace"),
      name: text(p, "name"),
      containers: messages(p, "containers").map((c) => ({
        name: text(c, "name"),
        cpuNanoCores: version(c, "cpu_nano_cores"),
        memoryWorkingSetBytes: version(c, "memory_working_set_bytes"),
      })),
    })),
    goneUids: texts(body, "gone_pod_uids"),
    full: flag(body, "full"),
  };
}

function heartbeatFromMessage(body: Fields): NodeHeartbeat {
  return {
    time: text(body, "time"),
    conditions: messages(body, "conditions").map((c) => {
      const reason = optionalText(c, "reason");
      const message = optionalText(c, "message");
      const lastTransitionTime = optionalText(c, "last_transition_time");
      return {
        type: text(c, "type"),
        status: text(c, "status"),
        ...(reason === undefined ? {} : { reason }),
        ...(message === undefined ? {} : { message }),
        ...(lastTransitionTime === undefined ? {} : { lastTransitionTime }),
      };
    }),
  };
}

function receivedPodFromMessage(pod: Fields): ReceivedPod {
  const json = bytes(pod, "spec_json");
  let spec: unknown;
  try {
    spec = json.length === 0 ? undefined : JSON.parse(new TextDecoder().decode(json));
  } catch (error) {
    throw new TypeError(`field spec_json: not JSON (${String(error)})`);
  }
  return {
    uid: text(pod, "uid"),
    name: text(pod, "name"),
    namespace: text(pod, "namespace"),
    labels: textMap(pod, "labels") ?? {},
    annotations: textMap(pod, "annotations") ?? {},
    spec,
  };
}

/** uint64, which the loader reads as a decimal string; versions and byte counts stay below 2^53. */
function version(body: Fields, key: string): number {
  const raw = body[key];
  const value = raw === undefined || raw === null ? 0 : Number(raw);
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new TypeError(`field ${key}: expected a version, got ${String(raw)}`);
  }
  return value;
}

function texts(body: Fields, key: string): string[] {
  const list = body[key] ?? [];
  if (!Array.isArray(list)) throw new TypeError(`field ${key}: expected a list`);
  return list.map((item, index) => {
    if (typeof item !== "string") throw new TypeError(`field ${key}[${index}]: expected a string`);
    return item;
  });
}

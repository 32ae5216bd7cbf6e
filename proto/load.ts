// Hands out typed accessors to the .proto contracts. They are read from proto/contracts.json, the
// contracts as protobufjs's JSON descriptor (written from the .proto files by
// `npm run proto:contracts`, and checked against them by proto/contracts.test.ts), with
// protobufjs's light build: no .proto parser and no reflection of descriptor.proto at run time,
// which is what @grpc/proto-loader loaded for every process.
import { readFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ServiceDefinition } from "@grpc/grpc-js";
import protobuf from "protobufjs/light.js";
import type {
  ListPodsRequestMessage,
  ListPodsResponseMessage,
  LogChunkMessage,
  LogsRequestMessage,
} from "./agent-local-message.js";
import type { AgentFrameMessage, HubFrameMessage } from "./hub-agent-message.js";
import type { PodMessage } from "./pod-message.js";

const CONTRACTS_FILE = "contracts.json";

// Every reader and writer uses these, so both ends agree on the plain-object form: field names as
// written in the .proto files (the descriptor keeps their case), 64-bit integers as decimal
// strings (no precision loss), enums by name, absent scalars as their zero value and absent
// messages as null, and the name of the set member on each oneof.
const TO_OBJECT: protobuf.IConversionOptions = {
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};

/** A message type: the form we write in, and what a read gives before a codec has checked it. */
export interface MessageType<Written, Read = unknown> {
  serialize(value: Written): Buffer;
  deserialize(bytes: Uint8Array): Read;
}

/** One method of a service, in the shape grpc-js takes for servers and clients. */
export interface MethodDefinition<RequestWritten, ResponseWritten, RequestRead, ResponseRead> {
  path: string;
  requestStream: boolean;
  responseStream: boolean;
  originalName: string;
  requestSerialize(value: RequestWritten): Buffer;
  requestDeserialize(bytes: Buffer): RequestRead;
  responseSerialize(value: ResponseWritten): Buffer;
  responseDeserialize(bytes: Buffer): ResponseRead;
}

/**
 * The directory holding contracts.json. The build emits dist/proto/*.js but not the contracts, so
 * from sources (proto/load.ts) and from the build (dist/proto/load.js) alike we walk up to the
 * first directory whose proto/ holds it.
 */
function contractsPath(): string {
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, "proto", CONTRACTS_FILE);
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) {
      throw new Error(
        `cannot find proto/${CONTRACTS_FILE} above ${start}: the install is incomplete`,
      );
    }
  }
}

let root: protobuf.Root | undefined;

/** All contracts, read once per process, on first use. */
function contracts(): protobuf.Root {
  root ??= protobuf.Root.fromJSON(
    JSON.parse(readFileSync(contractsPath(), "utf8")) as protobuf.INamespace,
  );
  return root;
}

function messageType<Written, Read = unknown>(type: protobuf.Type): MessageType<Written, Read> {
  return {
    serialize: (value) => {
      // fromObject would read an array's indices as field numbers' names and write nothing.
      if (Array.isArray(value)) throw new Error(`cannot write an array as ${type.fullName}`);
      return Buffer.from(type.encode(type.fromObject(value as object)).finish());
    },
    deserialize: (bytes) => type.toObject(type.decode(bytes), TO_OBJECT) as Read,
  };
}

function lookupType(name: string): protobuf.Type {
  const type = contracts().lookup(name);
  if (!(type instanceof protobuf.Type)) throw new Error(`${name} is missing from the contracts`);
  return type;
}

type AnyMethod = MethodDefinition<unknown, unknown, unknown, unknown>;

function lookupService(name: string): Record<string, AnyMethod> {
  const service = contracts().lookup(name);
  if (!(service instanceof protobuf.Service))
    throw new Error(`${name} is missing from the contracts`);
  service.resolveAll();
  const methods: Record<string, AnyMethod> = {};
  for (const method of service.methodsArray) {
    const request = messageType(method.resolvedRequestType as protobuf.Type);
    const response = messageType(method.resolvedResponseType as protobuf.Type);
    methods[method.name] = {
      path: `/${name}/${method.name}`,
      requestStream: method.requestStream === true,
      responseStream: method.responseStream === true,
      originalName: method.name.charAt(0).toLowerCase() + method.name.slice(1),
      requestSerialize: request.serialize,
      requestDeserialize: request.deserialize,
      responseSerialize: response.serialize,
      responseDeserialize: response.deserialize,
    };
  }
  return methods;
}

/** The method `name` of `service`, typed on the side we write. */
function method<RequestWritten, ResponseWritten>(
  service: Record<string, AnyMethod>,
  serviceName: string,
  name: string,
): MethodDefinition<RequestWritten, ResponseWritten, unknown, unknown> {
  const definition = service[name];
  if (definition === undefined)
    throw new Error(`${serviceName}.${name} is missing from the contracts`);
  return definition as unknown as MethodDefinition<
    RequestWritten,
    ResponseWritten,
    unknown,
    unknown
  >;
}

export interface AgentLocalApi {
  /** The whole service, as grpc-js's `Server.addService` takes it. */
  service: ServiceDefinition;
  /** Typed on the side we write; what we read stays `unknown` until the codec narrows it. */
  listPods: MethodDefinition<ListPodsRequestMessage, ListPodsResponseMessage, unknown, unknown>;
  logs: MethodDefinition<LogsRequestMessage, LogChunkMessage, unknown, unknown>;
}

/** `daemonlet.agent.v1.AgentLocal`, the agent's API on its unix socket. */
export function loadAgentLocalApi(): AgentLocalApi {
  const name = "daemonlet.agent.v1.AgentLocal";
  const service = lookupService(name);
  return {
    service,
    listPods: method(service, name, "ListPods"),
    logs: method(service, name, "Logs"),
  };
}

/** `daemonlet.v1.Pod`, for contracts that carry pods and for tests of the pod codec. */
export function loadPodType(): MessageType<PodMessage> {
  return messageType(lookupType("daemonlet.v1.Pod"));
}

export interface HubAgentFrames {
  /** What an agent sends. */
  agentFrame: MessageType<AgentFrameMessage>;
  /** What a hub sends. */
  hubFrame: MessageType<HubFrameMessage>;
}

/** `daemonlet.hub.v1.AgentFrame` and `HubFrame`, the agent protocol's two frame types. */
export function loadHubAgentFrames(): HubAgentFrames {
  return {
    agentFrame: messageType(lookupType("daemonlet.hub.v1.AgentFrame")),
    hubFrame: messageType(lookupType("daemonlet.hub.v1.HubFrame")),
  };
}

/** The methods of `daemonlet.api.v1.Hub`, by their names in hub_api.proto. */
const HUB_API_METHODS = [
  "Apply",
  "Get",
  "List",
  "Watch",
  "Delete",
  "LabelNode",
  "TaintNode",
  "SetUnschedulable",
  "ListEvents",
  "Explain",
  "Rollout",
  "ListMetrics",
] as const;
export type HubApiMethodName = (typeof HUB_API_METHODS)[number];

/** A method of the hub's services: hub/api/messages.ts types what is written. */
export type HubMethodDefinition = MethodDefinition<object, object, unknown, unknown>;

export interface HubApi {
  /** The whole service, as grpc-js's `Server.addService` takes it. */
  service: ServiceDefinition;
  /**
   * Each method, for a client's calls. What is read stays `unknown` until hub/api's codec
   * narrows it.
   */
  methods: Record<HubApiMethodName, HubMethodDefinition>;
}

/** `daemonlet.api.v1.Hub`, the hub's API for the CLI. */
export function loadHubApi(): HubApi {
  const name = "daemonlet.api.v1.Hub";
  const service = lookupService(name);
  return {
    service,
    methods: Object.fromEntries(
      HUB_API_METHODS.map((m) => [m, method<object, object>(service, name, m)]),
    ) as Record<HubApiMethodName, HubMethodDefinition>,
  };
}

const HUB_AUTH_METHODS = [
  "CreateJoinToken",
  "ListJoinTokens",
  "DeleteJoinToken",
  "RevokeNode",
] as const;
export type HubAuthMethodName = (typeof HUB_AUTH_METHODS)[number];

export interface HubAuthApi {
  service: ServiceDefinition;
  methods: Record<HubAuthMethodName, HubMethodDefinition>;
}

/** `daemonlet.api.v1.HubAuth`: join tokens and node revocation, beside the Hub service. */
export function loadHubAuthApi(): HubAuthApi {
  const name = "daemonlet.api.v1.HubAuth";
  const service = lookupService(name);
  return {
    service,
    methods: Object.fromEntries(
      HUB_AUTH_METHODS.map((m) => [m, method<object, object>(service, name, m)]),
    ) as Record<HubAuthMethodName, HubMethodDefinition>,
  };
}

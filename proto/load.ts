// Loads the .proto contracts at run time with @grpc/proto-loader and hands out typed accessors,
// so the contracts stay the .proto files themselves, with no generated code to keep in step.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  loadSync,
  type AnyDefinition,
  type MessageTypeDefinition,
  type MethodDefinition,
  type PackageDefinition,
  type ServiceDefinition,
} from "@grpc/proto-loader";
import type {
  ListPodsRequestMessage,
  ListPodsResponseMessage,
  LogChunkMessage,
  LogsRequestMessage,
} from "./agent-local-message.js";
import type { AgentFrameMessage, HubFrameMessage } from "./hub-agent-message.js";
import type { PodMessage } from "./pod-message.js";

// Every reader and writer uses these, so both ends agree on the plain-object form: field names as
// written in the .proto files, 64-bit integers as decimal strings (no precision loss), enums by
// name, absent scalars as their zero value and absent messages as null, and the name of the set
// member on each oneof.
const LOADER_OPTIONS = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
} as const;

const MARKER_FILE = "agent_local.proto";

/**
 * The repository's proto/ directory. The build emits dist/proto/*.js but not the .proto files, so
 * from sources (proto/load.ts) and from the build (dist/proto/load.js) alike we walk up to the
 * first directory whose proto/ holds them.
 */
function protoDirectory(): string {
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, "proto");
    if (existsSync(join(candidate, MARKER_FILE))) return candidate;
    if (dirname(dir) === dir) {
      throw new Error(`cannot find proto/${MARKER_FILE} above ${start}: the install is incomplete`);
    }
  }
}

function loadPackage(file: string): PackageDefinition {
  return loadSync(file, { ...LOADER_OPTIONS, includeDirs: [protoDirectory()] });
}

function isMessageType(
  def: AnyDefinition | undefined,
): def is MessageTypeDefinition<object, object> {
  return def !== undefined && "format" in def && def.format === "Protocol Buffer 3 DescriptorProto";
}

function isService(def: AnyDefinition | undefined): def is ServiceDefinition {
  return def !== undefined && !("format" in def);
}

function lookup<T extends AnyDefinition>(
  pkg: PackageDefinition,
  name: string,
  guard: (def: AnyDefinition | undefined) => def is T,
): T {
  const def = pkg[name];
  if (!guard(def)) throw new Error(`${name} is missing from the loaded .proto files`);
  return def;
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
  const service = lookup(
    loadPackage("agent_local.proto"),
    "daemonlet.agent.v1.AgentLocal",
    isService,
  );
  const method = (name: string) => {
    const definition = service[name];
    if (definition === undefined)
      throw new Error(`AgentLocal.${name} is missing from agent_local.proto`);
    return definition;
  };
  return { service, listPods: method("ListPods"), logs: method("Logs") };
}

/** `daemonlet.v1.Pod`, for contracts that carry pods and for tests of the pod codec. */
export function loadPodType(): MessageTypeDefinition<PodMessage, unknown> {
  return lookup(loadPackage("pod.proto"), "daemonlet.v1.Pod", isMessageType);
}

export interface HubAgentFrames {
  /** What an agent sends. */
  agentFrame: MessageTypeDefinition<AgentFrameMessage, unknown>;
  /** What a hub sends. */
  hubFrame: MessageTypeDefinition<HubFrameMessage, unknown>;
}

/** `daemonlet.hub.v1.AgentFrame` and `HubFrame`, the agent protocol's two frame types. */
export function loadHubAgentFrames(): HubAgentFrames {
  const pkg = loadPackage("hub_agent.proto");
  return {
    agentFrame: lookup(pkg, "daemonlet.hub.v1.AgentFrame", isMessageType),
    hubFrame: lookup(pkg, "daemonlet.hub.v1.HubFrame", isMessageType),
  };
}

/** The methods of `daemonlet.api.v1.Hub`, by their names in hub_api.proto. */
export type HubApiMethodName =
  | "Apply"
  | "Get"
  | "List"
  | "Watch"
  | "Delete"
  | "LabelNode"
  | "TaintNode"
  | "SetUnschedulable"
  | "ListEvents"
  | "Explain"
  | "Rollout"
  | "ListMetrics";

export interface HubApi {
  /** The whole service, as grpc-js's `Server.addService` takes it. */
  service: ServiceDefinition;
  /**
   * Each method, for a client's calls. hub/api/messages.ts types what is written; what is read
   * stays `unknown` until hub/api's codec narrows it.
   */
  methods: Record<HubApiMethodName, MethodDefinition<object, object, unknown, unknown>>;
}

/** `daemonlet.api.v1.Hub`, the hub's API for the CLI. */
export function loadHubApi(): HubApi {
  const service = lookup(loadPackage("hub_api.proto"), "daemonlet.api.v1.Hub", isService);
  const method = (name: HubApiMethodName) => {
    const definition = service[name];
    if (definition === undefined) throw new Error(`Hub.${name} is missing from hub_api.proto`);
    return definition;
  };
  return {
    service,
    methods: {
      Apply: method("Apply"),
      Get: method("Get"),
      List: method("List"),
      Watch: method("Watch"),
      Delete: method("Delete"),
      LabelNode: method("LabelNode"),
      TaintNode: method("TaintNode"),
      SetUnschedulable: method("SetUnschedulable"),
      ListEvents: method("ListEvents"),
      Explain: method("Explain"),
      Rollout: method("Rollout"),
      ListMetrics: method("ListMetrics"),
    },
  };
}

export type HubAuthMethodName =
  "CreateJoinToken" | "ListJoinTokens" | "DeleteJoinToken" | "RevokeNode";

export interface HubAuthApi {
  service: ServiceDefinition;
  methods: Record<HubAuthMethodName, MethodDefinition<object, object, unknown, unknown>>;
}

/** `daemonlet.api.v1.HubAuth`: join tokens and node revocation, beside the Hub service. */
export function loadHubAuthApi(): HubAuthApi {
  const service = lookup(loadPackage("hub_auth.proto"), "daemonlet.api.v1.HubAuth", isService);
  const method = (name: HubAuthMethodName) => {
    const definition = service[name];
    if (definition === undefined) throw new Error(`HubAuth.${name} is missing from hub_auth.proto`);
    return definition;
  };
  return {
    service,
    methods: {
      CreateJoinToken: method("CreateJoinToken"),
      ListJoinTokens: method("ListJoinTokens"),
      DeleteJoinToken: method("DeleteJoinToken"),
      RevokeNode: method("RevokeNode"),
    },
  };
}

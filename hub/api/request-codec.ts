// Requests on the wire, both ways: the client writes the messages, the server reads them back
// into the API's types and refuses malformed ones as INVALID_ARGUMENT.
import {
  bytes,
  flag,
  isFields,
  messages,
  text,
  textMap,
  type Fields,
} from "../../agent/local-api/message-fields.js";
import type {
  LabelNodeRequestMessage,
  ListRequestMessage,
  TaintNodeRequestMessage,
} from "./messages.js";
import { kindFromText } from "./object-codec.js";
import { RequestError } from "./request-error.js";
import {
  isTaintEffect,
  type LabelNodeRequest,
  type ListQuery,
  type TaintEffect,
  type TaintNodeRequest,
} from "./types.js";

const decoder = new TextDecoder("utf-8", { fatal: true });

/** The request's fields; grpc-js hands the server what proto/load.ts decoded. */
export function requestFields(request: unknown): Fields {
  if (!isFields(request)) throw new RequestError("Invalid", "malformed request");
  return request;
}

/** A manifest's text; YAML and JSON are UTF-8. */
export function manifestText(encoded: Fields, field: string): string {
  try {
    return decoder.decode(bytes(encoded, field));
  } catch {
    throw new RequestError("Invalid", `${field} is not UTF-8 text`);
  }
}

function nameOf(encoded: Fields): string {
  const name = text(encoded, "name");
  if (name === "") throw new RequestError("Invalid", "a node name is required");
  return name;
}

export function listQueryToMessage(query: ListQuery): ListRequestMessage {
  return {
    kind: query.kind,
    namespace: query.namespace ?? "",
    all_namespaces: query.allNamespaces ?? false,
    label_selector: query.labelSelector ?? "",
    node_name: query.nodeName ?? "",
    resource_version: query.resourceVersion ?? "",
  };
}

export function listQueryFromMessage(encoded: Fields): ListQuery {
  const optional = (key: string) => text(encoded, key) || undefined;
  return {
    kind: kindFromText(text(encoded, "kind")),
    namespace: optional("namespace"),
    allNamespaces: flag(encoded, "all_namespaces"),
    labelSelector: optional("label_selector"),
    nodeName: optional("node_name"),
    resourceVersion: optional("resource_version"),
  };
}

export function labelRequestToMessage(request: LabelNodeRequest): LabelNodeRequestMessage {
  return { ...request };
}

export function labelRequestFromMessage(encoded: Fields): LabelNodeRequest {
  const remove = encoded["remove"] ?? [];
  if (!Array.isArray(remove) || !remove.every((key) => typeof key === "string")) {
    throw new RequestError("Invalid", "remove must be a list of label keys");
  }
  return {
    name: nameOf(encoded),
    set: textMap(encoded, "set") ?? {},
    remove,
    overwrite: flag(encoded, "overwrite"),
  };
}

export function taintRequestToMessage(request: TaintNodeRequest): TaintNodeRequestMessage {
  return {
    name: request.name,
    add: request.add.map(({ key, value, effect }) => ({ key, value, effect })),
    remove: request.remove.map(({ key, effect }) => ({ key, effect: effect ?? "" })),
    overwrite: request.overwrite,
  };
}

function effectFrom(encoded: Fields): TaintEffect | undefined {
  const effect = text(encoded, "effect");
  if (effect === "") return undefined;
  if (!isTaintEffect(effect)) {
    throw new RequestError(
      "Invalid",
      `unsupported taint effect ${JSON.stringify(effect)}: expected NoSchedule, PreferNoSchedule or NoExecute`,
    );
  }
  return effect;
}

export function taintRequestFromMessage(encoded: Fields): TaintNodeRequest {
  return {
    name: nameOf(encoded),
    add: messages(encoded, "add").map((taint) => {
      const effect = effectFrom(taint);
      if (effect === undefined) {
        throw new RequestError("Invalid", `taint ${text(taint, "key")} needs an effect`);
      }
      return { key: text(taint, "key"), value: text(taint, "value"), effect };
    }),
    remove: messages(encoded, "remove").map((taint) => {
      const effect = effectFrom(taint);
      return { key: text(taint, "key"), ...(effect && { effect }) };
    }),
    overwrite: flag(encoded, "overwrite"),
  };
}

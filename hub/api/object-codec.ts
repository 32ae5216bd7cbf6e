// Objects on the wire: hub_api.proto's `Object { kind, json }`, the object's Kubernetes JSON as
// bytes (the proto says why). Decoding checks only the envelope every object has; the kind tells
// the reader which Kubernetes type the rest is.
import { bytes, isFields, text, type Fields } from "../../agent/local-api/message-fields.js";
import { isKind, type Kind, type KubeObject, type ObjectOfKind } from "../store/index.js";
import type { ObjectMessage, ObjectRefMessage } from "./messages.js";
import { RequestError } from "./request-error.js";
import type { ObjectRef } from "./types.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

export function objectToMessage(object: KubeObject): ObjectMessage {
  return { kind: object.kind, json: encoder.encode(JSON.stringify(object)) };
}

function isKubeObject(value: unknown): value is KubeObject {
  return (
    isFields(value) &&
    typeof value["apiVersion"] === "string" &&
    typeof value["kind"] === "string" &&
    isFields(value["metadata"])
  );
}

/** The object a message carries; throws TypeError when it is not one (a hub bug, not input). */
export function objectFromMessage(encoded: unknown): KubeObject {
  if (!isFields(encoded)) throw new TypeError("expected an Object message");
  const value: unknown = JSON.parse(decoder.decode(bytes(encoded, "json")));
  if (!isKubeObject(value) || value.kind !== text(encoded, "kind")) {
    throw new TypeError(`expected a ${text(encoded, "kind")} object in the Object message`);
  }
  return value;
}

export function isObjectOfKind<K extends Kind>(
  object: KubeObject,
  kind: K,
): object is ObjectOfKind[K] {
  return object.kind === kind;
}

/** The kind a request names; the API takes the store's kind names exactly. */
export function kindFromText(kind: string): Kind {
  if (!isKind(kind)) {
    throw new RequestError(
      "Invalid",
      `unknown kind ${JSON.stringify(kind)}: expected DaemonSet, Node, Pod, ControllerRevision or Event`,
    );
  }
  return kind;
}

export function refToMessage(ref: ObjectRef): ObjectRefMessage {
  return { kind: ref.kind, namespace: ref.namespace ?? "", name: ref.name };
}

export function refFromMessage(encoded: Fields): ObjectRef {
  const name = text(encoded, "name");
  if (name === "") throw new RequestError("Invalid", "a name is required");
  const namespace = text(encoded, "namespace");
  return { kind: kindFromText(text(encoded, "kind")), name, ...(namespace && { namespace }) };
}

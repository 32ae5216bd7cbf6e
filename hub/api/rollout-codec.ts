// The Rollout call's messages, both ways: the client writes the request and reads the response,
// the server reads the request (refusing malformed ones) and writes the response.
import {
  flag,
  int,
  isFields,
  message,
  text,
  type Fields,
} from "../../agent/local-api/message-fields.js";
import type { RolloutRequestMessage, RolloutResponseMessage } from "./messages.js";
import { isObjectOfKind, objectFromMessage, objectToMessage } from "./object-codec.js";
import { RequestError } from "./request-error.js";
import {
  ROLLOUT_ACTIONS,
  isRolloutAction,
  type RolloutRequest,
  type RolloutResult,
} from "./rollout.js";

export function rolloutRequestToMessage(request: RolloutRequest): RolloutRequestMessage {
  return {
    namespace: request.namespace ?? "",
    name: request.name,
    action: request.action,
    to_revision: request.toRevision ?? 0,
  };
}

export function rolloutRequestFromMessage(encoded: Fields): RolloutRequest {
  const name = text(encoded, "name");
  if (name === "") throw new RequestError("Invalid", "a DaemonSet name is required");
  const action = text(encoded, "action");
  if (!isRolloutAction(action)) {
    throw new RequestError(
      "Invalid",
      `unknown rollout action ${JSON.stringify(action)}: one of ${ROLLOUT_ACTIONS.join(", ")}`,
    );
  }
  const toRevision = int(encoded, "to_revision");
  if (!Number.isInteger(toRevision) || toRevision < 0) {
    throw new RequestError("Invalid", `to_revision must be a revision number, not ${toRevision}`);
  }
  if (toRevision > 0 && action !== "undo") {
    throw new RequestError("Invalid", "to_revision is for undo only");
  }
  const namespace = text(encoded, "namespace");
  return { name, action, ...(namespace && { namespace }), ...(toRevision > 0 && { toRevision }) };
}

export function rolloutResultToMessage(result: RolloutResult): RolloutResponseMessage {
  return {
    daemonset: objectToMessage(result.daemonSet),
    changed: result.changed,
    outcome: result.outcome,
  };
}

export function rolloutResultFromMessage(encoded: unknown): RolloutResult {
  if (!isFields(encoded)) throw new TypeError("expected a RolloutResponse message");
  const daemonSet = objectFromMessage(message(encoded, "daemonset"));
  if (!isObjectOfKind(daemonSet, "DaemonSet")) throw new TypeError("expected a DaemonSet");
  return { daemonSet, changed: flag(encoded, "changed"), outcome: text(encoded, "outcome") };
}

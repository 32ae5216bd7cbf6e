// Errors to gRPC status codes. The details carry the error's own message, which is what the
// operator reads (`error: daemonsets "x" not found`), so it is never reworded here.
import { status } from "@grpc/grpc-js";
import { isManifestError } from "../../agent/pods/manifest-error.js";
import {
  isAlreadyExists,
  isConflict,
  isInvalid,
  isNotFound,
  isResourceExpired,
  isStoreUnavailable,
} from "../store/index.js";
import { isRequestError } from "./request-error.js";
import { errorMessage } from "../../agent/error-message.js";

export interface ErrorStatus {
  code: status;
  details: string;
}

/**
 * The status for a failed call. An error the API does not expect is a bug: it is handed to
 * `unexpected` (for the log, with its stack) and the client gets INTERNAL.
 */
export function errorStatus(error: unknown, unexpected: (error: unknown) => void): ErrorStatus {
  if (isStoreUnavailable(error)) {
    // Nothing is wrong with the request, but the operator must hear of it in the hub's log too.
    unexpected(error);
    return { code: status.FAILED_PRECONDITION, details: error.message };
  }
  const known = expectedErrorStatus(error);
  if (known) return known;
  unexpected(error);
  const message = errorMessage(error);
  return { code: status.INTERNAL, details: `internal error: ${message}` };
}

function expectedErrorStatus(error: unknown): ErrorStatus | undefined {
  if (!(error instanceof Error)) return undefined;
  const as = (code: status): ErrorStatus => ({ code, details: error.message });
  if (isManifestError(error) || isInvalid(error)) return as(status.INVALID_ARGUMENT);
  if (isRequestError(error)) {
    return as(error.reason === "Invalid" ? status.INVALID_ARGUMENT : status.FAILED_PRECONDITION);
  }
  if (isNotFound(error)) return as(status.NOT_FOUND);
  if (isAlreadyExists(error)) return as(status.ALREADY_EXISTS);
  // A lost compare-and-swap: gRPC's code for "retry the read-modify-write".
  if (isConflict(error)) return as(status.ABORTED);
  if (isResourceExpired(error)) return as(status.OUT_OF_RANGE);
  return undefined;
}

// Why a store call failed, as typed errors carrying Kubernetes's status reason, so the API layer
// can map them to codes and callers can react (re-read on Conflict, relist on Expired). The
// messages are Kubernetes's own wording, which operators already know how to read.
import { kindInfo, type Kind } from "./object-meta.js";

export type StoreErrorReason =
  "NotFound" | "AlreadyExists" | "Conflict" | "Expired" | "Invalid" | "Unavailable";

export abstract class StoreError extends Error {
  abstract readonly reason: StoreErrorReason;
}

/** An object the caller names in a write does not exist. */
export class NotFoundError extends StoreError {
  override readonly name = "NotFoundError";
  readonly reason = "NotFound";

  constructor(
    readonly kind: Kind,
    readonly namespace: string,
    readonly objectName: string,
  ) {
    super(`${kindInfo(kind).resource} "${objectName}" not found`);
  }
}

/** `create` of a kind, namespace and name that is already taken. */
export class AlreadyExistsError extends StoreError {
  override readonly name = "AlreadyExistsError";
  readonly reason = "AlreadyExists";

  constructor(
    readonly kind: Kind,
    readonly namespace: string,
    readonly objectName: string,
  ) {
    super(`${kindInfo(kind).resource} "${objectName}" already exists`);
  }
}

const STALE =
  "the object has been modified; please apply your changes to the latest version and try again";

/** A compare-and-swap lost: the caller wrote from a stale read, or a precondition failed. */
export class ConflictError extends StoreError {
  override readonly name = "ConflictError";
  readonly reason = "Conflict";

  constructor(
    readonly kind: Kind,
    readonly namespace: string,
    readonly objectName: string,
    detail: string = STALE,
  ) {
    super(`Operation cannot be fulfilled on ${kindInfo(kind).resource} "${objectName}": ${detail}`);
  }
}

/**
 * A watch asked to resume from a resourceVersion the store can no longer replay (HTTP 410 Gone
 * in Kubernetes). The only remedy is to list again and watch from the list's resourceVersion.
 */
export class ResourceExpiredError extends StoreError {
  override readonly name = "ResourceExpiredError";
  readonly reason = "Expired";
}

/** The request itself is malformed (missing name or resourceVersion, unknown kind). */
export class InvalidError extends StoreError {
  override readonly name = "InvalidError";
  readonly reason = "Invalid";
}

/**
 * The store cannot write at all (disk full, file read-only, I/O error): nothing about the request
 * is wrong, and the same write succeeds once the operator has made room.
 */
export class StoreUnavailableError extends StoreError {
  override readonly name = "StoreUnavailableError";
  readonly reason = "Unavailable";
}

export function isNotFound(error: unknown): error is NotFoundError {
  return error instanceof NotFoundError;
}

export function isAlreadyExists(error: unknown): error is AlreadyExistsError {
  return error instanceof AlreadyExistsError;
}

export function isConflict(error: unknown): error is ConflictError {
  return error instanceof ConflictError;
}

export function isResourceExpired(error: unknown): error is ResourceExpiredError {
  return error instanceof ResourceExpiredError;
}

export function isInvalid(error: unknown): error is InvalidError {
  return error instanceof InvalidError;
}

export function isStoreUnavailable(error: unknown): error is StoreUnavailableError {
  return error instanceof StoreUnavailableError;
}

// A request the API refuses for what it asks, not for how the store fared: the message is what
// the operator reads (`kubectl`'s words where kubectl has them), the reason picks the gRPC code.

export type RequestErrorReason =
  /** The request is malformed: a bad label key, selector or kind. INVALID_ARGUMENT. */
  | "Invalid"
  /** The request is well formed but the object's state refuses it. FAILED_PRECONDITION. */
  | "FailedPrecondition";

export class RequestError extends Error {
  override readonly name = "RequestError";

  constructor(
    readonly reason: RequestErrorReason,
    message: string,
  ) {
    super(message);
  }
}

export function isRequestError(error: unknown): error is RequestError {
  return error instanceof RequestError;
}

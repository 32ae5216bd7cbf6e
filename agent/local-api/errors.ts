// Why the local API could not be served or reached, as a reason an operator can act on. The
// message is what the CLI prints and the agent logs, word for word.

export type LocalApiErrorReason =
  /** Nothing accepts connections on the socket (no file, or a stale one). */
  | "AgentNotListening"
  /** The socket exists but this user may not connect to it (it is 0660). */
  | "PermissionDenied"
  /** A live process already serves the socket, so a second agent must not take it over. */
  | "SocketInUse"
  /** The path exists and is not a socket, so removing it could destroy someone's file. */
  | "NotASocket"
  /** The agent accepted the connection but did not answer in time. */
  | "AgentUnresponsive"
  /** The agent answered with an error of its own. */
  | "AgentFailed"
  /**
   * The agent turned the request down as asked (no such pod, a container name needed); the
   * message is its own, in kubectl's words.
   */
  | "Refused";

export class LocalApiError extends Error {
  override readonly name = "LocalApiError";

  constructor(
    readonly reason: LocalApiErrorReason,
    readonly socketPath: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export function isLocalApiError(
  error: unknown,
  reason?: LocalApiErrorReason,
): error is LocalApiError {
  return error instanceof LocalApiError && (reason === undefined || error.reason === reason);
}

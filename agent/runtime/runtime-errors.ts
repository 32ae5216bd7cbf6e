// Typed errors of the runtime seam. Callers branch on the class (through the guards), never on
// message text; the message is the engine's own words, so logs, pod status and CLI say the same.

export type RuntimeErrorReason =
  "RuntimeUnavailable" | "ImageNotFound" | "ImagePullFailed" | "ContainerNotFound" | "RuntimeError";

/** Any failure the engine reported. `statusCode` is the engine's HTTP status when there was one. */
export class RuntimeError extends Error {
  override name = "RuntimeError";
  readonly reason: RuntimeErrorReason = "RuntimeError";
  /** What we asked the engine to do, e.g. "start 3f2a…", for logs. */
  readonly operation: string;
  readonly statusCode: number | undefined;

  constructor(
    message: string,
    opts: { operation: string; statusCode?: number; cause?: unknown; reason?: RuntimeErrorReason },
  ) {
    super(message, { cause: opts.cause });
    this.operation = opts.operation;
    this.statusCode = opts.statusCode;
    if (opts.reason !== undefined) this.reason = opts.reason;
  }
}

/** The engine does not answer: socket missing, refused or reset (engine down or restarting). */
export class RuntimeUnavailableError extends RuntimeError {
  override name = "RuntimeUnavailableError";
  constructor(message: string, opts: { operation: string; cause?: unknown }) {
    super(message, { ...opts, reason: "RuntimeUnavailable" });
  }
}

export class ImageNotFoundError extends RuntimeError {
  override name = "ImageNotFoundError";
  readonly image: string;
  constructor(
    image: string,
    message: string,
    opts: { operation: string; statusCode?: number; cause?: unknown },
  ) {
    super(message, { ...opts, reason: "ImageNotFound" });
    this.image = image;
  }
}

/** A pull that the engine started but could not finish (registry unreachable, auth, manifest). */
export class ImagePullError extends RuntimeError {
  override name = "ImagePullError";
  readonly image: string;
  constructor(
    image: string,
    message: string,
    opts: { operation: string; statusCode?: number; cause?: unknown },
  ) {
    super(message, { ...opts, reason: "ImagePullFailed" });
    this.image = image;
  }
}

export class ContainerNotFoundError extends RuntimeError {
  override name = "ContainerNotFoundError";
  readonly containerId: string;
  constructor(containerId: string, message: string, opts: { operation: string; cause?: unknown }) {
    super(message, { ...opts, statusCode: 404, reason: "ContainerNotFound" });
    this.containerId = containerId;
  }
}

export const isRuntimeError = (e: unknown): e is RuntimeError => e instanceof RuntimeError;
export const isRuntimeUnavailableError = (e: unknown): e is RuntimeUnavailableError =>
  e instanceof RuntimeUnavailableError;
export const isImageNotFoundError = (e: unknown): e is ImageNotFoundError =>
  e instanceof ImageNotFoundError;
export const isImagePullError = (e: unknown): e is ImagePullError => e instanceof ImagePullError;
export const isContainerNotFoundError = (e: unknown): e is ContainerNotFoundError =>
  e instanceof ContainerNotFoundError;

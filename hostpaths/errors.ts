// The one error type of this module. Its message is built once, here, so logs, pod status and the
// CLI all show the same words: "<Reason>: volume "<name>": <what happened to which path>".

export type HostPathErrorReason =
  | "HostPathNotAllowed"
  | "HostPathReadOnlyRequired"
  | "HostPathInvalid"
  | "HostPathNotFound"
  | "HostPathTypeMismatch"
  | "HostPathCreateFailed"
  | "HostPathChanged"
  | "SubPathInvalid";

export class HostPathError extends Error {
  override readonly name = "HostPathError";
  readonly reason: HostPathErrorReason;
  /** The path as the manifest wrote it (the subPath for subPath errors). */
  readonly path: string;
  /** Empty when the caller did not say which volume (resolveSubPath without `volumeName`). */
  readonly volumeName: string;

  /** `detail` is the sentence after the volume, and must itself name the path. */
  constructor(reason: HostPathErrorReason, volumeName: string, path: string, detail: string) {
    super(volumeName ? `${reason}: volume "${volumeName}": ${detail}` : `${reason}: ${detail}`);
    this.reason = reason;
    this.path = path;
    this.volumeName = volumeName;
  }
}

export function isHostPathError(e: unknown): e is HostPathError {
  return e instanceof HostPathError;
}

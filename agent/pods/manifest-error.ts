/** One thing wrong with a manifest, at a field path in Kubernetes style. */
export interface ManifestProblemDetail {
  /** e.g. `spec.containers[0].image`; absent when the problem is the whole file (YAML syntax). */
  fieldPath?: string;
  /** e.g. `required`, `probes are not supported yet`. */
  reason: string;
}

/**
 * A manifest daemonlet will not run. The message names the file, the field path and what is
 * wrong (`pods/x.yaml: spec.containers[0].image: required`), so the same words work in logs,
 * pod status and the CLI. All problems found are kept; `fieldPath` and `reason` are the first.
 */
export class ManifestError extends Error {
  override readonly name = "ManifestError";
  readonly file: string;
  readonly fieldPath?: string;
  readonly reason: string;
  readonly problems: readonly ManifestProblemDetail[];

  constructor(
    file: string,
    problems: readonly [ManifestProblemDetail, ...ManifestProblemDetail[]],
  ) {
    super(`${file}: ${problems.map(describe).join("; ")}`);
    this.file = file;
    this.fieldPath = problems[0].fieldPath;
    this.reason = problems[0].reason;
    this.problems = problems;
  }
}

export function isManifestError(err: unknown): err is ManifestError {
  return err instanceof ManifestError;
}

function describe(p: ManifestProblemDetail): string {
  return p.fieldPath ? `${p.fieldPath}: ${p.reason}` : p.reason;
}

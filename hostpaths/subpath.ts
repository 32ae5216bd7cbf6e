// volumeMounts.subPath: a path inside an already resolved volume. Like the hostPath itself it is
// judged by where it really lands, before anything is created, so neither a symlink inside the
// volume nor mkdir following one can lead out of it.
import { realpath } from "node:fs/promises";
import { posix as path } from "node:path";
import { HostPathError, type HostPathErrorReason } from "./errors.js";
import { makeDirectories } from "./create.js";
import { isUnderOrEqual, relativePathProblem } from "./paths.js";
import { exists, osMessage, realpathAllowingMissing } from "./lookup.js";

export interface SubPathOptions {
  /** Create the subPath as a 0755 directory (mkdir -p) when nothing is there. */
  create: boolean;
  /** The volume the subPath belongs to, for messages. */
  volumeName?: string;
}

/**
 * The real path of `subPath` inside the volume directory `base`; "" means `base` itself.
 * Throws HostPathError: SubPathInvalid for an absolute path, a ".." segment or a path that
 * resolves outside `base`; HostPathNotFound when `base` is missing, or the subPath is and
 * `create` is false; HostPathCreateFailed with the OS message.
 */
export async function resolveSubPath(
  base: string,
  subPath: string,
  opts: SubPathOptions,
): Promise<string> {
  const fail = (reason: HostPathErrorReason, detail: string) =>
    new HostPathError(reason, opts.volumeName ?? "", subPath, detail);
  const problem = relativePathProblem(subPath);
  if (problem) throw fail("SubPathInvalid", `subPath "${subPath}" ${problem}`);

  let realBase: string;
  try {
    realBase = await realpath(base);
  } catch (e) {
    throw fail(
      "HostPathNotFound",
      `subPath "${subPath}": the volume directory ${base} cannot be resolved: ${osMessage(e)}`,
    );
  }
  let target: string;
  let present: boolean;
  try {
    target = await realpathAllowingMissing(path.join(realBase, subPath));
    present = await exists(target);
  } catch (e) {
    throw fail("SubPathInvalid", `subPath "${subPath}" cannot be resolved: ${osMessage(e)}`);
  }
  if (!isUnderOrEqual(target, realBase)) {
    throw fail(
      "SubPathInvalid",
      `subPath "${subPath}" resolves to ${target}, outside the volume ${realBase}`,
    );
  }
  if (present) return target;
  if (!opts.create) {
    throw fail("HostPathNotFound", `subPath "${subPath}" does not exist in ${realBase}`);
  }
  try {
    await makeDirectories(target);
  } catch (e) {
    throw fail(
      "HostPathCreateFailed",
      `cannot create subPath "${subPath}" in ${realBase}: ${osMessage(e)}`,
    );
  }
  return target;
}

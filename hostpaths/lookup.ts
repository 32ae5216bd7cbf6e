// Looking paths up on the host: whether something is there, and where a path really leads even
// when its tail does not exist yet (the policy judges where a create would land).
import { lstat, readlink, realpath } from "node:fs/promises";
import { posix as path } from "node:path";

/** ENOENT, or ENOTDIR when a prefix is a file: either way nothing exists there. */
export function isMissing(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code === "ENOENT" || code === "ENOTDIR";
}

export function osMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** lstat: true when anything, even a dangling symlink, is at `p`. Throws other OS errors. */
export async function exists(p: string): Promise<boolean> {
  try {
    await lstat(p);
    return true;
  } catch (e) {
    if (isMissing(e)) return false;
    throw e;
  }
}

// Linux gives up after this many symlinks (MAXSYMLINKS); so do we.
const MAX_SYMLINK_HOPS = 40;

/**
 * The real path of the longest existing prefix of the absolute, normalised `p`, with the missing
 * rest appended. A dangling symlink is followed by hand: realpath() fails on it, and judging it
 * by its own name would let a later create (open O_CREAT, mkdir) land wherever it points.
 * Errors other than "missing" (ELOOP, EACCES) are thrown as they are.
 */
export async function realpathAllowingMissing(p: string): Promise<string> {
  return resolveFrom(p, 0);
}

async function resolveFrom(p: string, hops: number): Promise<string> {
  try {
    return await realpath(p);
  } catch (e) {
    if (!isMissing(e)) throw e;
  }
  // "/" always exists, so the recursion on the parent ends there.
  const candidate = path.join(await resolveFrom(path.dirname(p), hops), path.basename(p));
  try {
    if (!(await lstat(candidate)).isSymbolicLink()) return candidate;
  } catch (e) {
    if (isMissing(e)) return candidate;
    throw e;
  }
  if (hops >= MAX_SYMLINK_HOPS) {
    throw new Error(`ELOOP: too many levels of symbolic links, resolving '${p}'`);
  }
  const target = path.resolve(path.dirname(candidate), await readlink(candidate));
  return resolveFrom(target, hops + 1);
}

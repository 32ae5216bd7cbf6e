// Pure path rules shared by hostPath and subPath resolution. Linux paths only: the agent binds
// host paths into Linux containers.
import { posix as path } from "node:path";

// ".." is refused rather than normalised away: after a symlink it means something else than the
// text suggests, and Kubernetes refuses it for the same reason.
function hasDotDotSegment(p: string): boolean {
  return p.split("/").includes("..");
}

/** Why `p` cannot name a host path, as a phrase after the quoted path; undefined when it can. */
export function absolutePathProblem(p: string): string | undefined {
  if (p === "") return "is empty";
  if (p.includes("\0")) return "contains a NUL byte";
  if (!path.isAbsolute(p)) return "is not an absolute path";
  if (hasDotDotSegment(p)) return 'contains a ".." segment';
  return undefined;
}

/** Why `p` cannot be a subPath (relative to its volume); "" is fine and means the volume itself. */
export function relativePathProblem(p: string): string | undefined {
  if (p.includes("\0")) return "contains a NUL byte";
  if (path.isAbsolute(p)) return "is absolute; it must be relative to the volume";
  if (hasDotDotSegment(p)) return 'contains a ".." segment';
  return undefined;
}

/** Collapses "//", "/./" and a trailing slash of an absolute path without "..". */
export function normalizeAbsolute(p: string): string {
  const n = path.normalize(p);
  return n.length > 1 && n.endsWith("/") ? n.slice(0, -1) : n;
}

/** Path-segment aware: /var/logfoo is not under /var/log. Both must be normalised. */
export function isUnderOrEqual(p: string, root: string): boolean {
  return p === root || p.startsWith(root === "/" ? "/" : `${root}/`);
}

// The node operator's hostPath policy: which host trees pods may bind, and which only read-only.
// Set in the agent's config; the hub cannot widen it.
import { absolutePathProblem, isUnderOrEqual, normalizeAbsolute } from "./paths.js";

export interface HostPathPolicy {
  /** Trees pods may bind read-write (and create in, for the *OrCreate types). */
  allowedRoots: string[];
  /** Trees pods may bind only with readOnly: true on every mount, and never create in. */
  readOnlyRoots: string[];
}

// What the common node DaemonSets need and no more:
// - /var/log writable: log shippers keep their position files next to the logs they tail.
// - /proc, /sys read-only: node exporters read them; writing there retunes the kernel.
// - /var/lib/docker/containers read-only: container logs live there, but it is the engine's
//   own state.
// Anything else (/, /etc, the Docker socket) the operator must allow knowingly in the config.
export const DEFAULT_HOST_PATH_POLICY: HostPathPolicy = {
  allowedRoots: ["/var/log"],
  readOnlyRoots: ["/proc", "/sys", "/var/lib/docker/containers"],
};

function normalizeRoots(roots: readonly string[], field: keyof HostPathPolicy): string[] {
  const out: string[] = [];
  roots.forEach((root, i) => {
    const problem = absolutePathProblem(root);
    if (problem) throw new Error(`hostPath policy: ${field}[${i}] "${root}" ${problem}`);
    const normalized = normalizeAbsolute(root);
    if (!out.includes(normalized)) out.push(normalized);
  });
  return out;
}

/**
 * Roots normalised (no "//", "/./" or trailing slash) and de-duplicated. Throws an Error naming
 * the entry when a root is empty, relative or has a ".." segment, or sits in both lists (which
 * one would win is not something an operator should have to guess).
 */
export function normalizePolicy(p: HostPathPolicy): HostPathPolicy {
  const allowedRoots = normalizeRoots(p.allowedRoots, "allowedRoots");
  const readOnlyRoots = normalizeRoots(p.readOnlyRoots, "readOnlyRoots");
  const inBoth = allowedRoots.find((r) => readOnlyRoots.includes(r));
  if (inBoth !== undefined) {
    throw new Error(`hostPath policy: "${inBoth}" is in both allowedRoots and readOnlyRoots`);
  }
  return { allowedRoots, readOnlyRoots };
}

/** "[/var/log, /proc (read-only)]", for messages. */
export function describeRoots(p: HostPathPolicy): string {
  const roots = [...p.allowedRoots, ...p.readOnlyRoots.map((r) => `${r} (read-only)`)];
  return `[${roots.join(", ")}]`;
}

/** A root as written in the policy, with the real path it is matched by. */
export interface PolicyRoot {
  configured: string;
  real: string;
  readOnly: boolean;
}

/**
 * The most specific root holding the real path `real`. Two roots with one real path (aliases
 * through a symlink) tie; read-only wins, the safe side.
 */
export function matchRoot(real: string, roots: readonly PolicyRoot[]): PolicyRoot | undefined {
  let best: PolicyRoot | undefined;
  for (const root of roots) {
    if (!isUnderOrEqual(real, root.real)) continue;
    const longer = best === undefined || root.real.length > best.real.length;
    const tieToReadOnly = best?.real.length === root.real.length && root.readOnly;
    if (longer || tieToReadOnly) best = root;
  }
  return best;
}

// hostPath volume resolution: the path → its real path → the policy → the type semantics → what
// to bind. Symlinks are resolved before the policy check, so a link cannot smuggle a path out.
// The check and Docker's bind are separate steps; pin.ts makes sure that what was checked here is
// what gets bound, whatever is swapped in between.
import { realpath, stat } from "node:fs/promises";
import type { Stats } from "node:fs";
import { posix as path } from "node:path";
import { HostPathError, type HostPathErrorReason } from "./errors.js";
import { makeDirectories, makeEmptyFile } from "./create.js";
import { absolutePathProblem, normalizeAbsolute } from "./paths.js";
import {
  describeRoots,
  matchRoot,
  normalizePolicy,
  type HostPathPolicy,
  type PolicyRoot,
} from "./policy.js";
import { isMissing, osMessage, realpathAllowingMissing } from "./lookup.js";
import {
  CREATES,
  HOST_PATH_TYPES,
  isHostPathType,
  kindMismatch,
  type HostPathType,
} from "./types.js";

export interface HostPathRequest {
  volumeName: string;
  path: string;
  type: HostPathType;
  /** true only when every mount of this volume in the pod is readOnly */
  readOnly: boolean;
}

export interface ResolvedHostPath {
  volumeName: string;
  /** The resolved real path to bind. */
  source: string;
  /** The bind must be read-only (always true under a read-only root). */
  readOnly: boolean;
}

type Fail = (reason: HostPathErrorReason, detail: string) => HostPathError;

// Missing roots are matched by their normalised text, so a policy may name a tree that appears
// later.
async function policyRoots(policy: HostPathPolicy): Promise<PolicyRoot[]> {
  const real = (root: string) => realpath(root).catch(() => root);
  const roots = [
    ...policy.allowedRoots.map((r) => ({ configured: r, readOnly: false })),
    ...policy.readOnlyRoots.map((r) => ({ configured: r, readOnly: true })),
  ];
  return Promise.all(roots.map(async (r) => ({ ...r, real: await real(r.configured) })));
}

/** stat (following symlinks), or undefined when nothing is there. */
async function statIfExists(p: string, shown: string, fail: Fail): Promise<Stats | undefined> {
  try {
    return await stat(p);
  } catch (e) {
    if (isMissing(e)) return undefined;
    throw fail("HostPathInvalid", `${shown} cannot be inspected: ${osMessage(e)}`);
  }
}

async function create(
  type: HostPathType,
  source: string,
  shown: string,
  fail: Fail,
): Promise<void> {
  if (CREATES[type] === "file") {
    const parent = path.dirname(source);
    if (!(await statIfExists(parent, parent, fail))) {
      throw fail(
        "HostPathNotFound",
        `${shown}: the parent directory ${parent} does not exist (FileOrCreate creates no directories)`,
      );
    }
  }
  try {
    await (CREATES[type] === "file" ? makeEmptyFile(source) : makeDirectories(source));
  } catch (e) {
    throw fail("HostPathCreateFailed", `cannot create ${shown}: ${osMessage(e)}`);
  }
}

/**
 * Resolves a hostPath volume against the policy and applies its type (creating what a *OrCreate
 * type asks for). Throws HostPathError; a plain Error when the policy itself is invalid (see
 * normalizePolicy), which is the agent's configuration bug, not the pod's.
 */
export async function resolveHostPath(
  req: HostPathRequest,
  policy: HostPathPolicy,
): Promise<ResolvedHostPath> {
  const fail: Fail = (reason, detail) =>
    new HostPathError(reason, req.volumeName, req.path, detail);
  if (!isHostPathType(req.type)) {
    const known = HOST_PATH_TYPES.map((t) => `"${t}"`).join(", ");
    throw fail("HostPathInvalid", `${req.path} has unknown type "${req.type}" (one of ${known})`);
  }
  const problem = absolutePathProblem(req.path);
  if (problem) throw fail("HostPathInvalid", `path "${req.path}" ${problem}`);

  const normalizedPolicy = normalizePolicy(policy);
  const requested = normalizeAbsolute(req.path);
  let source: string;
  try {
    source = await realpathAllowingMissing(requested);
  } catch (e) {
    throw fail("HostPathInvalid", `${requested} cannot be resolved: ${osMessage(e)}`);
  }
  const shown = source === requested ? requested : `${requested} -> ${source}`;

  const root = matchRoot(source, await policyRoots(normalizedPolicy));
  if (!root) {
    throw fail(
      "HostPathNotAllowed",
      `${shown} is outside the allowed roots ${describeRoots(normalizedPolicy)}`,
    );
  }
  if (root.readOnly && !req.readOnly) {
    throw fail(
      "HostPathReadOnlyRequired",
      `${shown} is under the read-only root ${root.configured}; set readOnly: true on every mount of this volume`,
    );
  }

  let stats = await statIfExists(source, shown, fail);
  if (!stats) {
    if (CREATES[req.type] === undefined) {
      throw fail("HostPathNotFound", `${shown} does not exist`);
    }
    if (root.readOnly) {
      throw fail(
        "HostPathReadOnlyRequired",
        `${shown} does not exist, and nothing may be created under the read-only root ${root.configured}`,
      );
    }
    await create(req.type, source, shown, fail);
    // Judge what is there now, which may be what someone else created meanwhile.
    stats = await stat(source).catch((e: unknown) => {
      throw fail("HostPathCreateFailed", `cannot create ${shown}: ${osMessage(e)}`);
    });
  }
  const mismatch = kindMismatch(req.type, stats);
  if (mismatch) throw fail("HostPathTypeMismatch", `${shown} ${mismatch}`);
  return { volumeName: req.volumeName, source, readOnly: req.readOnly };
}

// Creating what a *OrCreate type (or the "" type) asks for. Modes are set with an explicit chmod
// because mkdir()/open() filter theirs through the agent's umask, and the result must not depend
// on how the agent was started.
import { chmod, mkdir, open } from "node:fs/promises";
import { posix as path } from "node:path";
import { exists } from "./lookup.js";

const DIRECTORY_MODE = 0o755;
const FILE_MODE = 0o644;

function isAlreadyThere(e: unknown): boolean {
  return (e as NodeJS.ErrnoException | undefined)?.code === "EEXIST";
}

/**
 * mkdir -p: every directory this call creates ends up 0755; existing ones are left alone, and so
 * is one that appears meanwhile (the caller's type check judges it). Throws the OS error.
 */
export async function makeDirectories(p: string): Promise<void> {
  const missing: string[] = [];
  for (let dir = p; !(await exists(dir)); dir = path.dirname(dir)) missing.unshift(dir);
  for (const dir of missing) {
    try {
      await mkdir(dir, { mode: DIRECTORY_MODE });
    } catch (e) {
      if (isAlreadyThere(e)) continue;
      throw e;
    }
    await chmod(dir, DIRECTORY_MODE);
  }
}

/**
 * An empty 0644 file; the parent must exist. O_EXCL ("wx") so an existing file is never truncated
 * and a symlink planted meanwhile is not followed. Throws the OS error.
 */
export async function makeEmptyFile(p: string): Promise<void> {
  let handle;
  try {
    handle = await open(p, "wx", FILE_MODE);
  } catch (e) {
    if (isAlreadyThere(e)) return;
    throw e;
  }
  try {
    await handle.chmod(FILE_MODE);
  } finally {
    await handle.close();
  }
}

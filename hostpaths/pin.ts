// Closes the window between judging a hostPath (or a subPath) and Docker binding it, as the
// kubelet does for subPaths: the judged real path is opened without following a final link, the
// opened object is checked to be the one judged (by the kernel's own name for it), and it is
// bind-mounted *from the descriptor* onto a pin point the agent owns, which is what Docker binds.
// A link swapped in before the open is refused; one swapped in after changes nothing the pod sees.
// The agent and the engine must share a mount namespace, as they do on a host.
import { execFile, spawn } from "node:child_process";
import { constants } from "node:fs";
import {
  lstat,
  mkdir,
  mkdtemp,
  open,
  readdir,
  readlink,
  rm,
  rmdir,
  unlink,
  writeFile,
} from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { currentMountPoints, mountPointsUnder } from "./mountinfo.js";

const run = promisify(execFile);

/** Linux's O_PATH (not in fs.constants): a handle on the object itself, nothing opened for I/O. */
const O_PATH = 0o10000000;
const OPEN_FLAGS = O_PATH | constants.O_NOFOLLOW;

/** The judged path no longer leads where it did: a message naming what it leads to now. */
export class PathChangedError extends Error {
  override readonly name = "PathChangedError";
}

export class HostPathPins {
  /** `dir`: agent-owned (no pod can write there), on the engine's mount namespace. */
  constructor(readonly dir: string) {}

  /** Where a pod's bind `key` (a relative path: `volumes/<name>`…) is pinned. */
  point(podUid: string, key: string): string {
    return path.join(this.dir, podUid, key);
  }

  /**
   * Pins `real`, a path judged a moment ago, for `podUid`; returns the pin point to bind instead.
   * Throws PathChangedError when `real` no longer leads to what was judged there.
   */
  async pin(real: string, podUid: string, key: string): Promise<string> {
    const point = this.point(podUid, key);
    const handle = await open(real, OPEN_FLAGS).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT")
        throw new PathChangedError(`${real} changed: it no longer exists`);
      throw error;
    });
    try {
      const opened = await readlink(`/proc/self/fd/${handle.fd}`);
      if (opened !== real) throw new PathChangedError(`${real} changed: it now leads to ${opened}`);
      const stats = await handle.stat();
      if (stats.isSymbolicLink()) {
        throw new PathChangedError(`${real} changed: it was replaced by a symbolic link`);
      }
      await this.release(point);
      await mkdir(path.dirname(point), { recursive: true, mode: 0o700 });
      if (stats.isDirectory()) await mkdir(point, { mode: 0o700 });
      else await writeFile(point, "", { mode: 0o600, flag: "wx" });
      await bindFromDescriptor(handle.fd, point).catch(async (error: unknown) => {
        // A directory removed since the open cannot be bound: the path changed under us.
        const now = await readlink(`/proc/self/fd/${handle.fd}`);
        if (now !== real) throw new PathChangedError(`${real} changed while it was pinned: ${now}`);
        throw error;
      });
    } finally {
      await handle.close();
    }
    return point;
  }

  /** Unmounts and removes every pin of the pod. */
  async unpinPod(podUid: string): Promise<void> {
    const podDir = path.join(this.dir, podUid);
    await unmountUnder(podDir);
    await rm(podDir, { recursive: true, force: true });
  }

  /** Unpins every pod but these: pods that went while the agent was away leave no mounts. */
  async unpinAllBut(keep: Set<string>): Promise<void> {
    const podUids = await readdir(this.dir).catch(() => []);
    for (const uid of podUids) if (!keep.has(uid)) await this.unpinPod(uid);
  }

  /** Why pinning cannot work here (no right to mount, no mount(8)), or undefined when it can. */
  async problem(): Promise<string | undefined> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const scratch = await mkdtemp(path.join(this.dir, ".probe-"));
    try {
      await mkdir(path.join(scratch, "source"));
      await this.pin(path.join(scratch, "source"), path.basename(scratch), "pin");
      return undefined;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    } finally {
      await this.unpinPod(path.basename(scratch)).catch(() => undefined);
      await rm(scratch, { recursive: true, force: true });
    }
  }

  /** An earlier pin at `point` (a restarted container re-pins) goes, mount and point. */
  private async release(point: string): Promise<void> {
    await unmountUnder(point);
    const stats = await lstat(point).catch(() => undefined);
    // Never recursive: an unmounted pin point is empty, and anything else is not ours to delete.
    if (stats?.isDirectory()) await rmdir(point);
    else if (stats) await unlink(point);
  }
}

/** `mount --rbind` from an open descriptor, handed to mount(8) as its fd 3. */
function bindFromDescriptor(fd: number, point: string): Promise<void> {
  return new Promise((resolve, reject) => {
    // --no-canonicalize: mount(8) would otherwise turn the descriptor back into a path.
    const child = spawn("mount", ["--no-canonicalize", "--rbind", "/proc/self/fd/3", point], {
      stdio: ["ignore", "ignore", "pipe", fd],
    });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`cannot pin onto ${point}: mount: ${stderr.trim() || `exit ${code}`}`)),
    );
  });
}

/**
 * Detaches every mount at or below `dir`; throws unless none is left. Whoever removes a tree that
 * holds pins (a state dir) must call this first: a recursive delete goes on into a pin's source.
 */
export async function unmountUnder(dir: string): Promise<void> {
  for (const target of mountPointsUnder(await currentMountPoints(), dir)) {
    // Lazy: a pin a process still has open must not block the pod's removal. A submount was
    // already detached with its parent, hence the failures tolerated here and checked below.
    await run("umount", ["--lazy", "--no-canonicalize", target]).catch(() => undefined);
  }
  const left = mountPointsUnder(await currentMountPoints(), dir);
  if (left.length > 0) throw new Error(`cannot unmount the pins ${left.join(", ")}`);
}

// hostPath escapes a pod might try, against the real filesystem: `..`, the magic links under
// /proc (self/root, a process's cwd, exe and fds), device files outside the allowed roots (also
// behind a link inside one), a subPath climbing out, and a symlink swapped back and forth while
// the agent resolves the path. Every attempt must be refused, or resolve to a real path inside an
// allowed root; never to anything outside.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { lstat, mkdir, mkdtemp, realpath, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import {
  DEFAULT_HOST_PATH_POLICY,
  isHostPathError,
  resolveHostPath,
  resolveSubPath,
  type HostPathPolicy,
  type HostPathType,
} from "../../hostpaths/index.js";
import { waitFor } from "../support/wait.js";

const isInside = (p: string, root: string) => p === root || p.startsWith(`${root}/`);

describe("hostPath escapes", () => {
  let T: string;
  let R: string;
  let O: string;
  let policy: HostPathPolicy;
  let tried = 0;
  let refused = 0;

  before(async () => {
    T = await realpath(await mkdtemp(path.join(os.tmpdir(), "hostpath-escapes-")));
    R = `${T}/allowed`;
    O = `${T}/outside`;
    await mkdir(`${R}/dir`, { recursive: true });
    await mkdir(O);
    await writeFile(`${O}/secret`, "secret");
    await symlink("/dev/mem", `${R}/mem`);
    await symlink("/proc/self/root", `${R}/host-root`);
    await symlink("/proc/1/root/etc", `${R}/init-etc`);
    policy = { allowedRoots: [R], readOnlyRoots: ["/proc", "/sys"] };
  });

  after(async () => {
    await rm(T, { recursive: true, force: true });
  });

  /** Resolves and counts; returns the source when allowed. */
  const attempt = async (
    p: string,
    type: HostPathType = "",
    readOnly = true,
    with_: HostPathPolicy = policy,
  ): Promise<string | undefined> => {
    tried++;
    try {
      const got = await resolveHostPath({ volumeName: "v", path: p, type, readOnly }, with_);
      return got.source;
    } catch (error) {
      assert.ok(isHostPathError(error), `a HostPathError, not ${String(error)}`);
      refused++;
      return undefined;
    }
  };

  it("refuses `..`, /proc magic links and device files, under the default policy too", async () => {
    const escapes = [
      `${R}/../outside/secret`,
      `${R}/dir/../../outside`,
      "/var/log/../../etc",
      "/proc/self/root",
      "/proc/self/root/etc",
      "/proc/1/root/etc/shadow",
      "/proc/self/cwd",
      "/proc/self/exe",
      "/proc/thread-self/root",
      `${R}/host-root`,
      `${R}/host-root/etc`,
      `${R}/init-etc`,
      "/dev/mem",
      "/dev/kmsg",
      "/dev/sda",
      "/dev/zero",
      `${R}/mem`,
      "/var/run/docker.sock",
      "/",
    ];
    for (const p of escapes) {
      for (const [type, withPolicy] of [
        ["", policy],
        ["CharDevice", policy],
        ["BlockDevice", policy],
        ["Directory", policy],
        ["", DEFAULT_HOST_PATH_POLICY],
      ] as const) {
        const source = await attempt(p, type, true, withPolicy);
        assert.equal(source, undefined, `${p} (type "${type}") was allowed as ${source}`);
      }
    }
  });

  it("refuses a subPath climbing out of its volume, directly or through a link", async () => {
    await symlink(O, `${R}/dir/out`);
    for (const sub of ["..", "../outside", "a/../../b", "/etc", "out", "out/secret"]) {
      tried++;
      await assert.rejects(
        resolveSubPath(`${R}/dir`, sub, { create: true, volumeName: "v" }),
        (e: unknown) => {
          assert.ok(isHostPathError(e), String(e));
          refused++;
          return true;
        },
      );
    }
  });

  it("never resolves outside while a link is swapped with a directory under it", async (t) => {
    // Another process flips R/swap between a directory and a link to the outside, as fast as it
    // can, while the agent's resolution runs. Each answer must be a refusal or a real path
    // inside the allowed root; what happens between this check and Docker's bind is outside the
    // resolver's reach (see hostpaths/resolve.ts).
    const swapper: ChildProcess = spawn(
      process.execPath,
      [
        "-e",
        `const fs = require("node:fs");
         const [swap, out] = process.argv.slice(1);
         // The resolver itself may create the directory (type ""), so each step may find it done.
         const step = (fn) => { try { fn(); } catch {} };
         const end = Date.now() + 30000;
         while (Date.now() < end) {
           step(() => fs.mkdirSync(swap));
           step(() => fs.rmdirSync(swap));
           step(() => fs.symlinkSync(out, swap));
           step(() => fs.unlinkSync(swap));
         }`,
        `${R}/swap`,
        O,
      ],
      { stdio: "ignore" },
    );
    try {
      await waitFor(
        () =>
          lstat(`${R}/swap`).then(
            (s) => s.isSymbolicLink(),
            () => false,
          ),
        { what: "the swapper to be swapping" },
      );
      let inside = 0;
      const before = tried;
      const refusedBefore = refused;
      for (let i = 0; i < 2000; i++) {
        const source = await attempt(`${R}/swap`, i % 2 === 0 ? "" : "Directory", false);
        if (source === undefined) continue;
        inside++;
        assert.ok(isInside(source, R), `resolved outside the allowed root: ${source}`);
      }
      t.diagnostic(
        `swap race: ${tried - before} resolutions, ${inside} inside the root, ${refused - refusedBefore} refused`,
      );
      assert.equal(swapper.exitCode, null, "the swapper kept swapping throughout");
      assert.ok(refused > refusedBefore, "the race was real: some resolutions met the link");
    } finally {
      swapper.kill("SIGKILL");
    }
  });

  it("counts", (t) => {
    t.diagnostic(`hostPath escapes: ${tried} attempts, ${refused} refused, none resolved outside`);
    assert.ok(refused > 0);
  });
});

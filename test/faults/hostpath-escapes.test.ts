// hostPath escapes a pod might try, against the real filesystem: `..`, the magic links under
// /proc (self/root, a process's cwd, exe and fds), device files outside the allowed roots (also
// behind a link inside one), a subPath climbing out, and a symlink swapped back and forth while
// the agent resolves the path, and again between the check and the pin that Docker binds. Every
// attempt must be refused, or resolve to (and pin) a real path inside an allowed root; never
// anything outside.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import {
  lstat,
  mkdir,
  mkdtemp,
  readFile,
  realpath,
  rename,
  rm,
  symlink,
  writeFile,
} from "node:fs/promises";
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
import { HostPathPins, PathChangedError, unmountUnder } from "../../hostpaths/pin.js";
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
    await unmountUnder(T);
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

  /**
   * Another process flipping `${R}/swap` between a directory and a link to the outside: the
   * directory made and removed each time, or (`move`) one directory moved aside and back, so
   * that it outlives the flips and a pin of it can succeed.
   */
  const startSwapper = async (how: "remove" | "move"): Promise<ChildProcess> => {
    const away = `${R}/swap.away`;
    if (how === "move") await mkdir(away, { recursive: true });
    const swapper = spawn(
      process.execPath,
      [
        "-e",
        `const fs = require("node:fs");
         const [swap, out, away, how] = process.argv.slice(1);
         // The resolver itself may create the directory (type ""), so each step may find it done.
         const step = (fn) => { try { fn(); } catch {} };
         const end = Date.now() + 30000;
         while (Date.now() < end) {
           if (how === "move") step(() => fs.renameSync(away, swap));
           else step(() => fs.mkdirSync(swap));
           if (how === "move") step(() => fs.renameSync(swap, away));
           else step(() => fs.rmdirSync(swap));
           step(() => fs.symlinkSync(out, swap));
           step(() => fs.unlinkSync(swap));
         }`,
        `${R}/swap`,
        O,
        away,
        how,
      ],
      { stdio: "ignore" },
    );
    await waitFor(
      () =>
        lstat(`${R}/swap`).then(
          (s) => s.isSymbolicLink(),
          () => false,
        ),
      { what: "the swapper to be swapping" },
    );
    return swapper;
  };

  it("never resolves outside while a link is swapped with a directory under it", async (t) => {
    // Each answer of the resolver, racing the swapper, must be a refusal or a real path inside
    // the allowed root.
    const swapper = await startSwapper("remove");
    try {
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

  it("pins what was judged: a link swapped in before the pin is refused, one after changes nothing", async () => {
    const pins = new HostPathPins(`${T}/pins`);
    assert.equal(await pins.problem(), undefined, "this test runs where the agent may mount");
    await mkdir(`${R}/data`);
    await writeFile(`${R}/data/file`, "inside");
    const judged = await attempt(`${R}/data`, "Directory", false);
    assert.equal(judged, `${R}/data`);
    // Swapped between the check and the pin: the last component, then one on the way.
    await rename(`${R}/data`, `${R}/data.moved`);
    await symlink(O, `${R}/data`);
    tried++;
    await assert.rejects(pins.pin(judged, "pod", "volumes/last"), PathChangedError);
    refused++;
    await rm(`${R}/data`);
    await rename(`${R}/data.moved`, `${R}/data`);
    await mkdir(`${R}/via/deep`, { recursive: true });
    const deep = await attempt(`${R}/via/deep`, "Directory", false);
    assert.ok(deep);
    await rename(`${R}/via`, `${R}/via.moved`);
    await mkdir(`${O}/deep`, { recursive: true });
    await symlink(O, `${R}/via`);
    tried++;
    await assert.rejects(pins.pin(deep, "pod", "volumes/deep"), /now leads to .*outside\/deep/);
    refused++;
    // Swapped after the pin: what is bound stays the directory that was judged.
    const point = await pins.pin(judged, "pod", "volumes/data");
    await rename(`${R}/data`, `${R}/data.moved`);
    await symlink(O, `${R}/data`);
    assert.equal(await readFile(`${point}/file`, "utf8"), "inside");
    assert.ok(!existsSync(`${point}/secret`));
    await pins.unpinPod("pod");
    assert.ok(!existsSync(`${T}/pins/pod`));
    assert.equal(
      await readFile(`${R}/data.moved/file`, "utf8"),
      "inside",
      "unpinning deletes nothing",
    );
  });

  it("never pins anything outside while a link is swapped between the check and the pin", async (t) => {
    const pins = new HostPathPins(`${T}/pins`);
    const swapper = await startSwapper("move");
    let pinned = 0;
    const refusedBefore = refused;
    try {
      // Most attempts meet a flip; go on until a few pins got through, within a bound.
      for (let i = 0; i < 10_000 && (i < 500 || pinned < 10); i++) {
        const source = await attempt(`${R}/swap`, "Directory", false);
        if (source === undefined) continue;
        try {
          const point = await pins.pin(source, "race", "volumes/swap");
          pinned++;
          assert.ok(!existsSync(`${point}/secret`), "the pin shows the outside directory");
        } catch (error) {
          if (!(error instanceof PathChangedError)) throw error;
          refused++;
        }
      }
      t.diagnostic(`pin race: ${pinned} pinned inside, ${refused - refusedBefore} refused`);
      assert.equal(swapper.exitCode, null, "the swapper kept swapping throughout");
      assert.ok(pinned > 0, "the race was real: some pins were made");
    } finally {
      swapper.kill("SIGKILL");
      await pins.unpinPod("race");
    }
  });

  it("counts", (t) => {
    t.diagnostic(`hostPath escapes: ${tried} attempts, ${refused} refused, none resolved outside`);
    assert.ok(refused > 0);
  });
});

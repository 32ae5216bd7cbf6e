// hostPath escapes a pod might try, against the real filesystem: `..`, the magic links under
// /proc (self/root, a process's cwd, exe and fds), device files outside the allowed roots (also
// behind a link inside one), a subPath climbing out, and a symlink swapped back and forth while
// the agent resolves the path, and again between the check and the pin that Docker binds. Every
// attempt must be refused, or resolve to (and pin) a real path inside an allowed root; never
// anything outside.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
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
import { Worker } from "node:worker_threads";
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
  // The swapper is a thread of its own, flipping `swap` as fast as it can: a directory, nothing,
  // a link to the outside, nothing. Asked to hold, it leaves the directory in place until told to
  // go on, so a test can pace it by attempt count instead of leaving every outcome to the
  // scheduler (under load a free-running swapper can win every race).
  const SWAP = 0;
  const HOLD = 1;
  const STOP = 2;
  const startSwapper = async (how: "remove" | "move") => {
    const away = `${R}/swap.away`;
    if (how === "move") await mkdir(away, { recursive: true });
    // [0]: the mode asked for; [1]: the mode the swapper is in.
    const control = new Int32Array(new SharedArrayBuffer(8));
    const worker = new Worker(
      `const fs = require("node:fs");
       const { workerData: { swap, out, away, how, control } } = require("node:worker_threads");
       const [SWAP, HOLD, STOP] = [${SWAP}, ${HOLD}, ${STOP}];
       // The resolver itself may create the directory (type ""), so each step may find it done.
       const step = (fn) => { try { fn(); } catch {} };
       const place = () => how === "move" ? step(() => fs.renameSync(away, swap)) : step(() => fs.mkdirSync(swap));
       const end = Date.now() + 120000;
       for (let mode; (mode = Atomics.load(control, 0)) !== STOP && Date.now() < end; ) {
         place();
         if (mode === HOLD) {
           Atomics.store(control, 1, HOLD);
           Atomics.wait(control, 0, HOLD);
           Atomics.store(control, 1, SWAP);
         }
         if (how === "move") step(() => fs.renameSync(swap, away));
         else step(() => fs.rmdirSync(swap));
         step(() => fs.symlinkSync(out, swap));
         step(() => fs.unlinkSync(swap));
       }`,
      { eval: true, workerData: { swap: `${R}/swap`, out: O, away, how, control } },
    );
    let running = true;
    worker.once("exit", () => (running = false));
    const setMode = (mode: number) => {
      Atomics.store(control, 0, mode);
      Atomics.notify(control, 0);
    };
    const swapper = {
      get running() {
        return running;
      },
      /** Leaves the directory in place until `resume`. */
      hold: async () => {
        setMode(HOLD);
        await waitFor(() => Atomics.load(control, 1) === HOLD, { what: "the swapper to hold" });
      },
      resume: () => setMode(SWAP),
      stop: async () => {
        setMode(STOP);
        await worker.terminate();
      },
    };
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
      assert.ok(swapper.running, "the swapper kept swapping throughout");
      assert.ok(refused > refusedBefore, "the race was real: some resolutions met the link");
    } finally {
      await swapper.stop();
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
      // Most attempts race the swapper; every 20th finds the directory held in place, so that
      // some pins are made however the scheduler favours the swapper.
      for (let i = 0; i < 2000; i++) {
        const held = i % 20 === 0;
        if (held) await swapper.hold();
        try {
          const source = await attempt(`${R}/swap`, "Directory", false);
          if (source === undefined) continue;
          const point = await pins.pin(source, "race", "volumes/swap");
          pinned++;
          assert.ok(!existsSync(`${point}/secret`), "the pin shows the outside directory");
        } catch (error) {
          if (!(error instanceof PathChangedError)) throw error;
          refused++;
        } finally {
          if (held) swapper.resume();
        }
      }
      t.diagnostic(`pin race: ${pinned} pinned inside, ${refused - refusedBefore} refused`);
      assert.ok(swapper.running, "the swapper kept swapping throughout");
      assert.ok(refused > refusedBefore, "the race was real: some attempts met a flip");
      assert.ok(pinned > 0, "some pins were made");
    } finally {
      await swapper.stop();
      await pins.unpinPod("race");
    }
  });

  it("counts", (t) => {
    t.diagnostic(`hostPath escapes: ${tried} attempts, ${refused} refused, none resolved outside`);
    assert.ok(refused > 0);
  });
});

// The real tree and the table runner shared by resolve.test.ts and types.test.ts.
import { after, afterEach, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import {
  chmod,
  lstat,
  mkdir,
  mkdtemp,
  readFile,
  realpath,
  rm,
  stat,
  symlink,
  writeFile,
} from "node:fs/promises";
import { resolveHostPath } from "./resolve.js";
import type { HostPathPolicy } from "./policy.js";
import { isHostPathError, type HostPathErrorReason } from "./errors.js";
import type { HostPathType } from "./types.js";

// Tree built fresh for every test ({T} is the temp dir, {R} the allowed root, {O} outside it):
//   {R}/dir/  {R}/file.txt ("hello")  {R}/sock (listening)  {R}/private/ (0700)
//   {R}/link-dir -> dir   {R}/link-file -> file.txt   {R}/devnull -> /dev/null
//   {R}/evil -> {O}   {R}/dangling-out -> {O}/new   {R}/dangling-in -> {R}/new-target
//   {R}/loop -> loop   {R}/ro/ (read-only root)  {R}/ro/existing-dir/  {R}/ro/rw/ (allowed again)
//   {R}/rofoo/   {O}/secret.txt   {O}/to-inside -> {R}/dir   {T}/rootlink -> {R}
export interface Fixture {
  T: string;
  R: string;
  O: string;
  server: net.Server;
}

const VOLUME = "data";

function expand(f: Fixture, s: string): string {
  return s.replaceAll("{T}", f.T).replaceAll("{R}", f.R).replaceAll("{O}", f.O);
}

function fixturePolicy(f: Fixture): HostPathPolicy {
  return { allowedRoots: [f.R, `${f.R}/ro/rw`], readOnlyRoots: [`${f.R}/ro`, "/dev/null"] };
}

function rootsText(f: Fixture): string {
  return `[${f.R}, ${f.R}/ro/rw, ${f.R}/ro (read-only), /dev/null (read-only)]`;
}

async function makeFixture(): Promise<Fixture> {
  // realpath: the temp dir itself may sit behind a symlink (macOS /tmp), and sources are real.
  const T = await realpath(await mkdtemp(path.join(os.tmpdir(), "hostpaths-")));
  const R = `${T}/root`;
  const O = `${T}/outside`;
  for (const d of [
    `${R}/dir`,
    `${R}/private`,
    `${R}/ro/existing-dir`,
    `${R}/ro/rw`,
    `${R}/rofoo`,
    O,
  ]) {
    await mkdir(d, { recursive: true });
  }
  await chmod(`${R}/private`, 0o700);
  await writeFile(`${R}/file.txt`, "hello");
  await writeFile(`${O}/secret.txt`, "secret");
  const links: [string, string][] = [
    ["dir", `${R}/link-dir`],
    ["file.txt", `${R}/link-file`],
    ["/dev/null", `${R}/devnull`],
    [O, `${R}/evil`],
    [`${O}/new`, `${R}/dangling-out`],
    [`${R}/new-target`, `${R}/dangling-in`],
    ["loop", `${R}/loop`],
    [`${R}/dir`, `${O}/to-inside`],
    [R, `${T}/rootlink`],
  ];
  for (const [target, at] of links) await symlink(target, at);
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(`${R}/sock`, resolve);
  });
  return { T, R, O, server };
}

async function modeOf(p: string): Promise<number> {
  return (await stat(p)).mode & 0o777;
}

async function exists(p: string): Promise<boolean> {
  return lstat(p).then(
    () => true,
    () => false,
  );
}

export type Want =
  | {
      source: string;
      /** Permission bits of paths after the call. */
      modes?: Record<string, number>;
      /** Content of the source after the call. */
      content?: string;
    }
  | {
      reason: HostPathErrorReason;
      /** The whole message after `<reason>: volume "data": `. */
      detail?: string;
      /** A part of it, for OS messages. */
      includes?: string;
      /** Must not exist afterwards: nothing was created. */
      absent?: string;
    };

export interface Case {
  name: string;
  path: string;
  type: HostPathType;
  readOnly?: boolean;
  policy?: (f: Fixture) => HostPathPolicy;
  want: Want;
}

async function check(f: Fixture, c: Case): Promise<void> {
  const policy = (c.policy ?? fixturePolicy)(f);
  const reqPath = expand(f, c.path);
  const run = resolveHostPath(
    { volumeName: VOLUME, path: reqPath, type: c.type, readOnly: c.readOnly ?? false },
    policy,
  );
  const want = c.want;
  if ("source" in want) {
    const got = await run;
    assert.deepEqual(got, {
      volumeName: VOLUME,
      source: expand(f, want.source),
      readOnly: c.readOnly ?? false,
    });
    for (const [p, mode] of Object.entries(want.modes ?? {})) {
      assert.equal((await modeOf(expand(f, p))).toString(8), mode.toString(8), p);
    }
    if (want.content !== undefined) {
      assert.equal(await readFile(got.source, "utf8"), want.content);
    }
    return;
  }
  const err = await run.then(
    (got) => assert.fail(`expected ${want.reason}, got ${JSON.stringify(got)}`),
    (e: unknown) => e,
  );
  assert.ok(isHostPathError(err), String(err));
  assert.equal(err.reason, want.reason, err.message);
  assert.equal(err.volumeName, VOLUME);
  assert.equal(err.path, reqPath);
  const prefix = `${want.reason}: volume "${VOLUME}": `;
  assert.ok(err.message.startsWith(prefix), err.message);
  if (want.detail !== undefined) {
    const detail = expand(f, want.detail).replace("ROOTS", rootsText(f));
    assert.equal(err.message, prefix + detail);
  }
  if (want.includes !== undefined) {
    assert.ok(err.message.includes(expand(f, want.includes)), err.message);
  }
  if (want.absent !== undefined) {
    assert.equal(await exists(expand(f, want.absent)), false, `${want.absent} was created`);
  }
}

/** Runs each case as a test on a fresh tree, under a tight umask, cleaning up even on failure. */
export function runCases(title: string, cases: readonly Case[]): void {
  let savedUmask: number;
  before(() => {
    // A tight umask, so the tests prove the modes come from chmod and not from the environment.
    savedUmask = process.umask(0o077);
  });
  after(() => {
    process.umask(savedUmask);
  });

  describe(title, () => {
    let f: Fixture | undefined;
    beforeEach(async () => {
      f = await makeFixture();
    });
    afterEach(async () => {
      if (!f) return;
      const { server, T } = f;
      f = undefined;
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(T, { recursive: true, force: true });
    });

    for (const c of cases) {
      test(c.name, async () => {
        assert.ok(f);
        await check(f, c);
      });
    }
  });
}

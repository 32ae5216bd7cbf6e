import { after, afterEach, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import os from "node:os";
import path from "node:path";
import {
  chmod,
  lstat,
  mkdir,
  mkdtemp,
  realpath,
  rm,
  stat,
  symlink,
  writeFile,
} from "node:fs/promises";
import { resolveSubPath } from "./subpath.js";
import { isHostPathError, type HostPathErrorReason } from "./errors.js";

// Tree built fresh for every test ({T} is the temp dir, {B} the volume, {O} outside it):
//   {B}/dir/  {B}/file.txt  {B}/private/ (0700)  {B}/link-in -> dir  {B}/link-out -> {O}
//   {B}/dangling-out -> {O}/new   {O}/   {T}/baselink -> {B}
interface Fixture {
  T: string;
  B: string;
  O: string;
}

const VOLUME = "logs";

function expand(f: Fixture, s: string): string {
  return s.replaceAll("{T}", f.T).replaceAll("{B}", f.B).replaceAll("{O}", f.O);
}

async function makeFixture(): Promise<Fixture> {
  const T = await realpath(await mkdtemp(path.join(os.tmpdir(), "subpath-")));
  const B = `${T}/vol`;
  const O = `${T}/outside`;
  for (const d of [`${B}/dir`, `${B}/private`, O]) await mkdir(d, { recursive: true });
  await chmod(`${B}/private`, 0o700);
  await writeFile(`${B}/file.txt`, "hello");
  await symlink("dir", `${B}/link-in`);
  await symlink(O, `${B}/link-out`);
  await symlink(`${O}/new`, `${B}/dangling-out`);
  await symlink(B, `${T}/baselink`);
  return { T, B, O };
}

type Want =
  | { path: string; modes?: Record<string, number> }
  | {
      reason: HostPathErrorReason;
      /** The whole message after `<reason>: volume "logs": `. */
      detail?: string;
      includes?: string;
      /** Must not exist afterwards: nothing was created. */
      absent?: string;
    };

interface Case {
  name: string;
  base?: string;
  subPath: string;
  create: boolean;
  want: Want;
}

const cases: Case[] = [
  { name: '"" is the volume itself', subPath: "", create: false, want: { path: "{B}" } },
  { name: "an existing directory", subPath: "dir", create: false, want: { path: "{B}/dir" } },
  {
    name: "./ and trailing / are fine",
    subPath: "./dir/",
    create: false,
    want: { path: "{B}/dir" },
  },
  { name: "an existing file", subPath: "file.txt", create: true, want: { path: "{B}/file.txt" } },
  {
    name: "a symlink staying inside binds its target",
    subPath: "link-in",
    create: false,
    want: { path: "{B}/dir" },
  },
  {
    name: "a base named through a symlink gives real paths",
    base: "{T}/baselink",
    subPath: "dir",
    create: false,
    want: { path: "{B}/dir" },
  },
  {
    name: "create makes missing directories 0755 at every level, whatever the umask",
    subPath: "new/a/b",
    create: true,
    want: {
      path: "{B}/new/a/b",
      modes: { "{B}/new": 0o755, "{B}/new/a": 0o755, "{B}/new/a/b": 0o755 },
    },
  },
  {
    name: "create leaves existing directories' modes alone",
    subPath: "private/new",
    create: true,
    want: { path: "{B}/private/new", modes: { "{B}/private": 0o700, "{B}/private/new": 0o755 } },
  },
  {
    name: "create through a symlink staying inside",
    subPath: "link-in/new",
    create: true,
    want: { path: "{B}/dir/new", modes: { "{B}/dir/new": 0o755 } },
  },
  {
    name: "missing without create",
    subPath: "missing",
    create: false,
    want: {
      reason: "HostPathNotFound",
      detail: 'subPath "missing" does not exist in {B}',
      absent: "{B}/missing",
    },
  },
  {
    name: "absolute is refused",
    subPath: "/etc",
    create: true,
    want: {
      reason: "SubPathInvalid",
      detail: 'subPath "/etc" is absolute; it must be relative to the volume',
    },
  },
  {
    name: "a leading .. is refused",
    subPath: "../outside",
    create: true,
    want: { reason: "SubPathInvalid", detail: 'subPath "../outside" contains a ".." segment' },
  },
  {
    name: "a .. in the middle is refused even when it would stay inside",
    subPath: "dir/../file.txt",
    create: false,
    want: { reason: "SubPathInvalid", detail: 'subPath "dir/../file.txt" contains a ".." segment' },
  },
  {
    name: "a symlink leading out is refused",
    subPath: "link-out",
    create: false,
    want: {
      reason: "SubPathInvalid",
      detail: 'subPath "link-out" resolves to {O}, outside the volume {B}',
    },
  },
  {
    name: "create never follows a symlink out",
    subPath: "link-out/sub",
    create: true,
    want: {
      reason: "SubPathInvalid",
      detail: 'subPath "link-out/sub" resolves to {O}/sub, outside the volume {B}',
      absent: "{O}/sub",
    },
  },
  {
    name: "create never follows a dangling symlink out",
    subPath: "dangling-out",
    create: true,
    want: { reason: "SubPathInvalid", absent: "{O}/new" },
  },
  {
    name: "creating below a file fails with the OS message",
    subPath: "file.txt/sub",
    create: true,
    want: {
      reason: "HostPathCreateFailed",
      includes: 'cannot create subPath "file.txt/sub" in {B}: ENOTDIR',
    },
  },
  {
    name: "a missing volume directory",
    base: "{T}/gone",
    subPath: "dir",
    create: true,
    want: {
      reason: "HostPathNotFound",
      includes: 'subPath "dir": the volume directory {T}/gone cannot be resolved: ENOENT',
    },
  },
];

async function check(f: Fixture, c: Case): Promise<void> {
  const run = resolveSubPath(expand(f, c.base ?? "{B}"), c.subPath, {
    create: c.create,
    volumeName: VOLUME,
  });
  const want = c.want;
  if ("path" in want) {
    assert.equal(await run, expand(f, want.path));
    for (const [p, mode] of Object.entries(want.modes ?? {})) {
      const got = (await stat(expand(f, p))).mode & 0o777;
      assert.equal(got.toString(8), mode.toString(8), p);
    }
    return;
  }
  const err = await run.then(
    (got) => assert.fail(`expected ${want.reason}, got ${got}`),
    (e: unknown) => e,
  );
  assert.ok(isHostPathError(err), String(err));
  assert.equal(err.reason, want.reason, err.message);
  assert.equal(err.volumeName, VOLUME);
  assert.equal(err.path, c.subPath);
  const prefix = `${want.reason}: volume "${VOLUME}": `;
  assert.ok(err.message.startsWith(prefix), err.message);
  if (want.detail !== undefined) assert.equal(err.message, prefix + expand(f, want.detail));
  if (want.includes !== undefined) {
    assert.ok(err.message.includes(expand(f, want.includes)), err.message);
  }
  if (want.absent !== undefined) {
    const there = await lstat(expand(f, want.absent)).then(
      () => true,
      () => false,
    );
    assert.equal(there, false, `${want.absent} was created`);
  }
}

let savedUmask: number;
before(() => {
  // A tight umask, so the tests prove the modes come from chmod and not from the environment.
  savedUmask = process.umask(0o077);
});
after(() => {
  process.umask(savedUmask);
});

describe("resolveSubPath", () => {
  let f: Fixture | undefined;
  beforeEach(async () => {
    f = await makeFixture();
  });
  afterEach(async () => {
    if (f) await rm(f.T, { recursive: true, force: true });
    f = undefined;
  });

  for (const c of cases) {
    test(c.name, async () => {
      assert.ok(f);
      await check(f, c);
    });
  }

  test("without a volume name the message starts with the reason alone", async () => {
    assert.ok(f);
    await assert.rejects(resolveSubPath(f.B, "../x", { create: false }), {
      reason: "SubPathInvalid",
      volumeName: "",
      message: 'SubPathInvalid: subPath "../x" contains a ".." segment',
    });
  });
});

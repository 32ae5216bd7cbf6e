// resolveHostPath: path syntax, the policy (symlinks resolved first) and read-only roots.
import { test } from "node:test";
import assert from "node:assert/strict";
import { realpath } from "node:fs/promises";
import { resolveHostPath } from "./resolve.js";
import { DEFAULT_HOST_PATH_POLICY } from "./policy.js";
import type { HostPathType } from "./types.js";
import { runCases, type Case } from "./test-fixture.js";

const cases: Case[] = [
  // path syntax
  {
    name: "relative path is refused",
    path: "var/log",
    type: "",
    want: { reason: "HostPathInvalid", detail: 'path "var/log" is not an absolute path' },
  },
  {
    name: "empty path is refused",
    path: "",
    type: "",
    want: { reason: "HostPathInvalid", detail: 'path "" is empty' },
  },
  {
    name: ".. segment is refused even when it would stay inside",
    path: "{R}/dir/../file.txt",
    type: "File",
    want: {
      reason: "HostPathInvalid",
      detail: 'path "{R}/dir/../file.txt" contains a ".." segment',
    },
  },
  {
    name: "a name merely starting with .. is fine",
    path: "{R}/..data",
    type: "DirectoryOrCreate",
    want: { source: "{R}/..data" },
  },
  {
    name: "unknown type is refused",
    path: "{R}/dir",
    type: "Folder" as HostPathType,
    want: { reason: "HostPathInvalid", includes: '{R}/dir has unknown type "Folder" (one of "", ' },
  },
  {
    name: "//, /./ and trailing slash are normalised",
    path: "{R}//dir/./",
    type: "Directory",
    want: { source: "{R}/dir" },
  },
  {
    name: "symlink loop is refused",
    path: "{R}/loop",
    type: "",
    want: { reason: "HostPathInvalid", includes: "{R}/loop cannot be resolved: ELOOP" },
  },
  // policy, with symlinks resolved first
  {
    name: "the root itself is allowed",
    path: "{R}",
    type: "Directory",
    want: { source: "{R}" },
  },
  {
    name: "a sibling sharing the root's prefix is outside (like /var/logfoo)",
    path: "{R}foo",
    type: "DirectoryOrCreate",
    want: {
      reason: "HostPathNotAllowed",
      detail: `{R}foo is outside the allowed roots ROOTS`,
      absent: "{R}foo",
    },
  },
  {
    name: "symlink inside leading outside is refused, naming both ends",
    path: "{R}/evil",
    type: "Directory",
    want: {
      reason: "HostPathNotAllowed",
      detail: "{R}/evil -> {O} is outside the allowed roots ROOTS",
    },
  },
  {
    name: "a file through an escaping symlink is refused",
    path: "{R}/evil/secret.txt",
    type: "File",
    readOnly: true,
    want: {
      reason: "HostPathNotAllowed",
      detail: "{R}/evil/secret.txt -> {O}/secret.txt is outside the allowed roots ROOTS",
    },
  },
  {
    name: "dangling symlink leading outside is judged by its target and creates nothing",
    path: "{R}/dangling-out",
    type: "FileOrCreate",
    want: {
      reason: "HostPathNotAllowed",
      detail: "{R}/dangling-out -> {O}/new is outside the allowed roots ROOTS",
      absent: "{O}/new",
    },
  },
  {
    name: "dangling symlink inside creates its target",
    path: "{R}/dangling-in",
    type: "FileOrCreate",
    want: { source: "{R}/new-target", modes: { "{R}/new-target": 0o644 }, content: "" },
  },
  {
    name: "symlink outside leading inside is allowed, bound by its real path",
    path: "{O}/to-inside",
    type: "Directory",
    want: { source: "{R}/dir" },
  },
  {
    name: "a root named through a symlink matches its real path",
    path: "{R}/dir",
    type: "Directory",
    policy: (f) => ({ allowedRoots: [`${f.T}/rootlink`], readOnlyRoots: [] }),
    want: { source: "{R}/dir" },
  },
  {
    name: "a root that does not exist yet is matched by its text",
    path: "{T}/later/app",
    type: "DirectoryOrCreate",
    policy: (f) => ({ allowedRoots: [`${f.T}/later`], readOnlyRoots: [] }),
    want: { source: "{T}/later/app", modes: { "{T}/later": 0o755, "{T}/later/app": 0o755 } },
  },
  // read-only roots
  {
    name: "under a read-only root with readOnly: bound read-only",
    path: "{R}/ro/existing-dir",
    type: "Directory",
    readOnly: true,
    want: { source: "{R}/ro/existing-dir" },
  },
  {
    name: "under a read-only root without readOnly: refused",
    path: "{R}/ro/existing-dir",
    type: "Directory",
    want: {
      reason: "HostPathReadOnlyRequired",
      detail:
        "{R}/ro/existing-dir is under the read-only root {R}/ro; set readOnly: true on every mount of this volume",
    },
  },
  {
    name: "DirectoryOrCreate creates nothing under a read-only root",
    path: "{R}/ro/new",
    type: "DirectoryOrCreate",
    readOnly: true,
    want: {
      reason: "HostPathReadOnlyRequired",
      detail:
        "{R}/ro/new does not exist, and nothing may be created under the read-only root {R}/ro",
      absent: "{R}/ro/new",
    },
  },
  {
    name: "FileOrCreate creates nothing under a read-only root",
    path: "{R}/ro/new.txt",
    type: "FileOrCreate",
    readOnly: true,
    want: { reason: "HostPathReadOnlyRequired", absent: "{R}/ro/new.txt" },
  },
  {
    name: '"" creates nothing under a read-only root',
    path: "{R}/ro/new",
    type: "",
    readOnly: true,
    want: { reason: "HostPathReadOnlyRequired", absent: "{R}/ro/new" },
  },
  {
    name: "an allowed root nested in a read-only root wins (more specific)",
    path: "{R}/ro/rw/cache",
    type: "DirectoryOrCreate",
    want: { source: "{R}/ro/rw/cache", modes: { "{R}/ro/rw/cache": 0o755 } },
  },
  {
    name: "a sibling of a read-only root is writable",
    path: "{R}/rofoo/x",
    type: "DirectoryOrCreate",
    want: { source: "{R}/rofoo/x" },
  },
];

runCases("resolveHostPath: syntax and policy", cases);

test("the default policy refuses /etc in the documented words", async () => {
  await assert.rejects(
    resolveHostPath(
      { volumeName: "etc", path: "/etc", type: "", readOnly: true },
      DEFAULT_HOST_PATH_POLICY,
    ),
    {
      reason: "HostPathNotAllowed",
      message:
        'HostPathNotAllowed: volume "etc": /etc is outside the allowed roots [/var/log, /proc (read-only), /sys (read-only), /var/lib/docker/containers (read-only)]',
    },
  );
});

test("the default policy refuses /var/logfoo but allows /var/log read-write", async () => {
  const req = { volumeName: "logs", type: "Directory" as const, readOnly: false };
  await assert.rejects(resolveHostPath({ ...req, path: "/var/logfoo" }, DEFAULT_HOST_PATH_POLICY), {
    reason: "HostPathNotAllowed",
  });
  const got = await resolveHostPath({ ...req, path: "/var/log/" }, DEFAULT_HOST_PATH_POLICY);
  assert.equal(got.source, await realpath("/var/log"));
});

test("the default policy needs readOnly for /proc", async () => {
  const req = { volumeName: "proc", path: "/proc", type: "Directory" as const };
  await assert.rejects(resolveHostPath({ ...req, readOnly: false }, DEFAULT_HOST_PATH_POLICY), {
    reason: "HostPathReadOnlyRequired",
  });
  assert.equal(
    (await resolveHostPath({ ...req, readOnly: true }, DEFAULT_HOST_PATH_POLICY)).source,
    "/proc",
  );
});

// resolveHostPath: the type semantics (what must exist, what is created, with which mode).
import { test } from "node:test";
import assert from "node:assert/strict";
import { lstat, readdir } from "node:fs/promises";
import { resolveHostPath } from "./resolve.js";
import { runCases, type Case } from "./test-fixture.js";

const cases: Case[] = [
  // "" type
  {
    name: '"" accepts an existing file',
    path: "{R}/file.txt",
    type: "",
    want: { source: "{R}/file.txt", content: "hello" },
  },
  {
    name: '"" accepts a socket',
    path: "{R}/sock",
    type: "",
    want: { source: "{R}/sock" },
  },
  {
    name: '"" creates missing directories 0755, whatever the umask',
    path: "{R}/a/b",
    type: "",
    want: { source: "{R}/a/b", modes: { "{R}/a": 0o755, "{R}/a/b": 0o755 } },
  },
  // DirectoryOrCreate / Directory
  {
    name: "DirectoryOrCreate is mkdir -p with 0755 at every level",
    path: "{R}/x/y/z",
    type: "DirectoryOrCreate",
    want: { source: "{R}/x/y/z", modes: { "{R}/x": 0o755, "{R}/x/y": 0o755, "{R}/x/y/z": 0o755 } },
  },
  {
    name: "DirectoryOrCreate leaves existing directories' modes alone",
    path: "{R}/private/new",
    type: "DirectoryOrCreate",
    want: { source: "{R}/private/new", modes: { "{R}/private": 0o700, "{R}/private/new": 0o755 } },
  },
  {
    name: "DirectoryOrCreate on a file is a mismatch",
    path: "{R}/file.txt",
    type: "DirectoryOrCreate",
    want: { reason: "HostPathTypeMismatch", detail: "{R}/file.txt is a file, not a directory" },
  },
  {
    name: "DirectoryOrCreate below a file fails with the OS message",
    path: "{R}/file.txt/sub",
    type: "DirectoryOrCreate",
    want: { reason: "HostPathCreateFailed", includes: "cannot create {R}/file.txt/sub: ENOTDIR" },
  },
  {
    name: "Directory through a symlink binds the target",
    path: "{R}/link-dir",
    type: "Directory",
    want: { source: "{R}/dir" },
  },
  {
    name: "Directory must exist",
    path: "{R}/missing",
    type: "Directory",
    want: {
      reason: "HostPathNotFound",
      detail: "{R}/missing does not exist",
      absent: "{R}/missing",
    },
  },
  {
    name: "Directory on a file is a mismatch",
    path: "{R}/link-file",
    type: "Directory",
    want: {
      reason: "HostPathTypeMismatch",
      detail: "{R}/link-file -> {R}/file.txt is a file, not a directory",
    },
  },
  // FileOrCreate / File
  {
    name: "FileOrCreate creates an empty 0644 file, whatever the umask",
    path: "{R}/dir/new.txt",
    type: "FileOrCreate",
    want: { source: "{R}/dir/new.txt", modes: { "{R}/dir/new.txt": 0o644 }, content: "" },
  },
  {
    name: "FileOrCreate leaves an existing file's content alone",
    path: "{R}/file.txt",
    type: "FileOrCreate",
    want: { source: "{R}/file.txt", content: "hello" },
  },
  {
    name: "FileOrCreate needs the parent directory",
    path: "{R}/nope/new.txt",
    type: "FileOrCreate",
    want: {
      reason: "HostPathNotFound",
      detail:
        "{R}/nope/new.txt: the parent directory {R}/nope does not exist (FileOrCreate creates no directories)",
      absent: "{R}/nope",
    },
  },
  {
    name: "FileOrCreate on a directory is a mismatch",
    path: "{R}/dir",
    type: "FileOrCreate",
    want: { reason: "HostPathTypeMismatch", detail: "{R}/dir is a directory, not a file" },
  },
  {
    name: "FileOrCreate below a file fails with the OS message",
    path: "{R}/file.txt/new.txt",
    type: "FileOrCreate",
    want: {
      reason: "HostPathCreateFailed",
      includes: "cannot create {R}/file.txt/new.txt: ENOTDIR",
    },
  },
  {
    name: "File through a symlink binds the target",
    path: "{R}/link-file",
    type: "File",
    want: { source: "{R}/file.txt" },
  },
  {
    name: "File must exist",
    path: "{R}/missing.txt",
    type: "File",
    want: { reason: "HostPathNotFound", detail: "{R}/missing.txt does not exist" },
  },
  {
    name: "File on a directory is a mismatch",
    path: "{R}/dir",
    type: "File",
    want: { reason: "HostPathTypeMismatch", detail: "{R}/dir is a directory, not a file" },
  },
  // Socket / CharDevice / BlockDevice
  {
    name: "Socket on a listening unix socket",
    path: "{R}/sock",
    type: "Socket",
    want: { source: "{R}/sock" },
  },
  {
    name: "Socket on a file is a mismatch",
    path: "{R}/file.txt",
    type: "Socket",
    want: { reason: "HostPathTypeMismatch", detail: "{R}/file.txt is a file, not a socket" },
  },
  {
    name: "Socket must exist",
    path: "{R}/gone.sock",
    type: "Socket",
    want: { reason: "HostPathNotFound", detail: "{R}/gone.sock does not exist" },
  },
  {
    name: "CharDevice on /dev/null (a read-only root)",
    path: "/dev/null",
    type: "CharDevice",
    readOnly: true,
    want: { source: "/dev/null" },
  },
  {
    name: "CharDevice through a symlink to /dev/null",
    path: "{R}/devnull",
    type: "CharDevice",
    readOnly: true,
    want: { source: "/dev/null" },
  },
  {
    name: "CharDevice through a symlink into a read-only root still needs readOnly",
    path: "{R}/devnull",
    type: "CharDevice",
    want: {
      reason: "HostPathReadOnlyRequired",
      detail:
        "{R}/devnull -> /dev/null is under the read-only root /dev/null; set readOnly: true on every mount of this volume",
    },
  },
  {
    name: "CharDevice on a socket is a mismatch",
    path: "{R}/sock",
    type: "CharDevice",
    want: {
      reason: "HostPathTypeMismatch",
      detail: "{R}/sock is a socket, not a character device",
    },
  },
  {
    name: "File on a character device is a mismatch",
    path: "/dev/null",
    type: "File",
    readOnly: true,
    want: { reason: "HostPathTypeMismatch", detail: "/dev/null is a character device, not a file" },
  },
  {
    name: "BlockDevice on a character device is a mismatch",
    path: "/dev/null",
    type: "BlockDevice",
    readOnly: true,
    want: {
      reason: "HostPathTypeMismatch",
      detail: "/dev/null is a character device, not a block device",
    },
  },
];

runCases("resolveHostPath: types", cases);

async function findBlockDevice(): Promise<string | undefined> {
  for (const name of await readdir("/dev")) {
    const p = `/dev/${name}`;
    if ((await lstat(p).catch(() => undefined))?.isBlockDevice()) return p;
  }
  return undefined;
}

const blockDevice = await findBlockDevice();
test(
  "BlockDevice on a real block device",
  { skip: !blockDevice && "no block device in /dev" },
  async () => {
    assert.ok(blockDevice);
    const policy = { allowedRoots: [], readOnlyRoots: [blockDevice] };
    const got = await resolveHostPath(
      { volumeName: "disk", path: blockDevice, type: "BlockDevice", readOnly: true },
      policy,
    );
    assert.equal(got.source, blockDevice);
    await assert.rejects(
      resolveHostPath(
        { volumeName: "disk", path: blockDevice, type: "CharDevice", readOnly: true },
        policy,
      ),
      {
        message: `HostPathTypeMismatch: volume "disk": ${blockDevice} is a block device, not a character device`,
      },
    );
  },
);

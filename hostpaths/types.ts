// The hostPath `type` field: what must already be at the path, and what to create when nothing is.
import type { Stats } from "node:fs";

export const HOST_PATH_TYPES = [
  "",
  "DirectoryOrCreate",
  "Directory",
  "FileOrCreate",
  "File",
  "Socket",
  "CharDevice",
  "BlockDevice",
] as const;

export type HostPathType = (typeof HOST_PATH_TYPES)[number];

export function isHostPathType(t: unknown): t is HostPathType {
  return (HOST_PATH_TYPES as readonly unknown[]).includes(t);
}

interface Kind {
  is: (s: Stats) => boolean;
  noun: string;
}

const DIRECTORY: Kind = { is: (s) => s.isDirectory(), noun: "a directory" };
const FILE: Kind = { is: (s) => s.isFile(), noun: "a file" };

/** What an existing path must be; undefined when anything will do. */
const REQUIRED_KIND: Record<HostPathType, Kind | undefined> = {
  "": undefined,
  DirectoryOrCreate: DIRECTORY,
  Directory: DIRECTORY,
  FileOrCreate: FILE,
  File: FILE,
  Socket: { is: (s) => s.isSocket(), noun: "a socket" },
  CharDevice: { is: (s) => s.isCharacterDevice(), noun: "a character device" },
  BlockDevice: { is: (s) => s.isBlockDevice(), noun: "a block device" },
};

/** What to create when nothing exists; undefined when the path must exist already. */
export const CREATES: Record<HostPathType, "directory" | "file" | undefined> = {
  // Kubernetes checks nothing for "", and Docker's `-v`/Binds created a missing source as a
  // directory; the Mounts API refuses a missing source instead, so we create it here and the
  // outcome does not depend on how the runtime binds.
  "": "directory",
  DirectoryOrCreate: "directory",
  Directory: undefined,
  FileOrCreate: "file",
  File: undefined,
  Socket: undefined,
  CharDevice: undefined,
  BlockDevice: undefined,
};

function describeKind(s: Stats): string {
  if (s.isDirectory()) return "a directory";
  if (s.isFile()) return "a file";
  if (s.isSocket()) return "a socket";
  if (s.isCharacterDevice()) return "a character device";
  if (s.isBlockDevice()) return "a block device";
  if (s.isFIFO()) return "a FIFO";
  return "an unknown kind of file";
}

/** "is a directory, not a file", or undefined when `s` is what `type` requires. */
export function kindMismatch(type: HostPathType, s: Stats): string | undefined {
  const required = REQUIRED_KIND[type];
  if (!required || required.is(s)) return undefined;
  return `is ${describeKind(s)}, not ${required.noun}`;
}

// /proc/self/mountinfo, read for the mount points under a directory: pins are unmounted by what
// the kernel says is mounted, never by what the agent remembers.
import { readFile } from "node:fs/promises";
import { isUnderOrEqual } from "./paths.js";

/** Field 5 of each line, with the kernel's octal escapes (\040 for a space…) undone. */
export function parseMountPoints(mountinfo: string): string[] {
  return mountinfo
    .split("\n")
    .map((line) => line.split(" ")[4])
    .filter((field): field is string => field !== undefined && field !== "")
    .map((field) =>
      field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8))),
    );
}

/** Mount points at or below `dir`, longest first: children before parents, the order to unmount. */
export function mountPointsUnder(mountPoints: string[], dir: string): string[] {
  return [...new Set(mountPoints.filter((p) => isUnderOrEqual(p, dir)))].sort(
    (a, b) => b.length - a.length,
  );
}

export async function currentMountPoints(): Promise<string[]> {
  return parseMountPoints(await readFile("/proc/self/mountinfo", "utf8"));
}

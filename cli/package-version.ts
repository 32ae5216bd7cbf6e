import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The package's version, read from the package.json above this module in sources and in dist/. */
export function packageVersion(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, "package.json"))) {
    const parent = path.dirname(dir);
    if (parent === dir) return "unknown";
    dir = parent;
  }
  const pkg: unknown = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"));
  return typeof pkg === "object" && pkg !== null && "version" in pkg
    ? String(pkg.version)
    : "unknown";
}

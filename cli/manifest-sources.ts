// `-f FILE|DIR|-`: the manifests to send, each with the name errors should point at. A
// directory contributes its *.yaml, *.yml and *.json files (not recursively, dotfiles skipped,
// in name order), as kubectl reads one.
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { UsageError } from "./command-result.js";

export interface ManifestSource {
  /** The file, or `-` for standard input. */
  name: string;
  text: string;
}

const MANIFEST_FILE = /^[^.].*\.(ya?ml|json)$/;

async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream)
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks).toString("utf8");
}

export async function readManifestSources(
  paths: readonly string[],
  stdin: NodeJS.ReadableStream = process.stdin,
): Promise<ManifestSource[]> {
  if (paths.length === 0) throw new UsageError("must specify one of -f");
  const sources: ManifestSource[] = [];
  for (const path of paths) {
    if (path === "-") {
      sources.push({ name: "-", text: await readStream(stdin) });
      continue;
    }
    const info = await stat(path).catch(() => undefined);
    if (info === undefined) throw new UsageError(`the path "${path}" does not exist`);
    if (!info.isDirectory()) {
      sources.push({ name: path, text: await readFile(path, "utf8") });
      continue;
    }
    const files = (await readdir(path)).filter((f) => MANIFEST_FILE.test(f)).sort();
    if (files.length === 0)
      throw new UsageError(`no manifest files (*.yaml, *.yml, *.json) in "${path}"`);
    for (const file of files) {
      sources.push({ name: join(path, file), text: await readFile(join(path, file), "utf8") });
    }
  }
  return sources;
}

import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { REPO } from "./cli-process.js";

const run = promisify(execFile);

export interface CliResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** Runs one `daemonlet …` command from the sources, the way an operator would. */
export async function daemonlet(args: string[], input?: string): Promise<CliResult> {
  const child = run(
    process.execPath,
    ["--import", "tsx", path.join(REPO, "cli/main.ts"), ...args],
    {
      cwd: REPO,
      timeout: 60_000,
    },
  );
  if (input !== undefined) {
    child.child.stdin?.end(input);
  }
  try {
    const { stdout, stderr } = await child;
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; code?: number };
    return {
      stdout: e.stdout ?? "",
      stderr: e.stderr ?? "",
      code: typeof e.code === "number" ? e.code : 1,
    };
  }
}

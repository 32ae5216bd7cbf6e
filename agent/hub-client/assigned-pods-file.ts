// `${stateDir}/assigned-pods.json`: the pod set the hub last sent, so an agent restarted while
// the hub is unreachable keeps running its pods (DESIGN.md §2). Written whole to a temporary
// file and renamed over the old one, so a crash leaves the old set or the new one, never half.
import { readFileSync } from "node:fs";
import { mkdir, open, rename, rm } from "node:fs/promises";
import { dirname } from "node:path";
import type { ReceivedPod } from "../../proto/hub-agent-frames.js";
import type { AssignedPodsState } from "./assigned-pods.js";

export const ASSIGNED_PODS_FILE = "assigned-pods.json";

/** The file exists but does not hold a pod set (edited by hand, or a disk fault). */
export class AssignedPodsFileError extends Error {
  override readonly name = "AssignedPodsFileError";

  constructor(
    readonly file: string,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(`${file}: ${reason}`, options);
  }
}

export function isAssignedPodsFileError(error: unknown): error is AssignedPodsFileError {
  return error instanceof AssignedPodsFileError;
}

/** Undefined when there is no file yet. Synchronous: it runs once, while the agent starts. */
export function loadAssignedPods(file: string): AssignedPodsState | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if (isErrno(error) && error.code === "ENOENT") return undefined;
    throw new AssignedPodsFileError(file, `cannot read: ${String(error)}`, { cause: error });
  }
  let state: unknown;
  try {
    state = JSON.parse(text);
  } catch (error) {
    throw new AssignedPodsFileError(file, `not JSON: ${String(error)}`, { cause: error });
  }
  if (!isRecord(state) || !isVersion(state["version"]) || !Array.isArray(state["pods"])) {
    throw new AssignedPodsFileError(file, "expected {version, pods}");
  }
  const pods = state["pods"];
  const bad = pods.findIndex((p) => !isReceivedPod(p));
  if (bad >= 0) throw new AssignedPodsFileError(file, `pods[${bad}] is not an assigned pod`);
  return { version: state["version"], pods: pods.filter(isReceivedPod) };
}

export async function saveAssignedPods(file: string, state: AssignedPodsState): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.tmp`;
  // A leftover from a crash would keep its old mode; the pod specs are the operator's, so 0600.
  await rm(temp, { force: true });
  const handle = await open(temp, "wx", 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(state, null, 2)}\n`);
    // On disk before the rename, or a power cut could leave an empty file under the real name.
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, file);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isVersion(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

function isStringMap(value: unknown): value is Record<string, string> {
  return isRecord(value) && Object.values(value).every((v) => typeof v === "string");
}

function isReceivedPod(value: unknown): value is ReceivedPod {
  return (
    isRecord(value) &&
    typeof value["uid"] === "string" &&
    typeof value["name"] === "string" &&
    typeof value["namespace"] === "string" &&
    isStringMap(value["labels"]) &&
    isStringMap(value["annotations"])
  );
}

function isErrno(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && "code" in error;
}

// `daemonlet rollout status|history|undo|restart|pause|resume ds/NAME`, like `kubectl rollout`.
import {
  isHubApiError,
  isObjectOfKind,
  type HubClient,
  type ObjectRef,
  type RolloutAction,
} from "../hub/api/index.js";
import { DEFAULT_NAMESPACE, type DaemonSetObject } from "../hub/store/index.js";
import { succeeded, UsageError, type CommandResult } from "./command-result.js";
import { formatHistory, formatRevision, rolloutProgress } from "./format/rollout-output.js";
import { resolveResourceType } from "./resource-types.js";
import { daemonSetRevisions } from "./rollout-revisions.js";

/** Waiting this long before watching again after the hub went away (a restart). */
const REWATCH_DELAY_MS = 1000;

export interface RolloutTarget {
  /** `ds/NAME`, or the type when the name follows separately (`ds NAME`). */
  resource: string;
  name?: string;
  namespace?: string;
}

/** The DaemonSet a `rollout` command names; rollouts are for DaemonSets only. */
export function daemonSetRef({ resource, name, namespace }: RolloutTarget): ObjectRef {
  const slash = resource.indexOf("/");
  const type = slash >= 0 ? resource.slice(0, slash) : resource;
  const named = slash >= 0 ? resource.slice(slash + 1) : name;
  if (slash >= 0 && name !== undefined) {
    throw new UsageError(
      `there is no need to specify a resource type as a separate argument when passing arguments in resource/name form`,
    );
  }
  if (named === undefined || named === "") {
    throw new UsageError("required resource not specified: give ds/NAME");
  }
  if (resolveResourceType(type) !== "DaemonSet") {
    throw new UsageError(`no rollouts for ${type}: daemonlet rolls out daemonsets (ds/NAME)`);
  }
  return { kind: "DaemonSet", namespace: namespace ?? DEFAULT_NAMESPACE, name: named };
}

async function getDaemonSet(client: HubClient, ref: ObjectRef): Promise<DaemonSetObject> {
  const object = await client.get(ref);
  if (!isObjectOfKind(object, "DaemonSet"))
    throw new TypeError(`the hub answered with a ${object.kind}`);
  return object;
}

export interface StatusOptions {
  /** Follow until done (the default); false prints where the rollout stands once. */
  watch: boolean;
  /** 0: no limit. */
  timeoutMs: number;
}

/**
 * Prints where the rollout stands each time that changes (through the hub's watch) until it is
 * done, the DaemonSet is gone, or the timeout passes (exit code 1).
 */
export async function runRolloutStatus(
  client: HubClient,
  target: RolloutTarget,
  options: StatusOptions,
  write: (text: string) => void,
): Promise<CommandResult> {
  const ref = daemonSetRef(target);
  const deadline = options.timeoutMs > 0 ? Date.now() + options.timeoutMs : Infinity;
  let last = "";
  const report = (ds: DaemonSetObject): boolean => {
    if (ds.spec?.updateStrategy?.type === "OnDelete") {
      throw new UsageError("rollout status is only available for RollingUpdate strategy type");
    }
    const { message, done } = rolloutProgress(ds);
    if (message !== last) write(`${message}\n`);
    last = message;
    return done;
  };
  if (report(await getDaemonSet(client, ref)) || !options.watch) return succeeded("");
  for (;;) {
    const outcome = await followOnce(client, ref, report, deadline);
    if (outcome === "done") return succeeded("");
    if (outcome === "timeout" || Date.now() + REWATCH_DELAY_MS >= deadline) {
      return { stdout: "", stderr: "error: timed out waiting for the condition\n", exitCode: 1 };
    }
    await new Promise((resolve) => setTimeout(resolve, REWATCH_DELAY_MS));
  }
}

/** One list-then-watch; "rewatch" when the hub went away or no longer holds the version. */
async function followOnce(
  client: HubClient,
  ref: ObjectRef,
  report: (ds: DaemonSetObject) => boolean,
  deadline: number,
): Promise<"done" | "timeout" | "rewatch"> {
  const isMine = (o: { metadata: { name?: string } }) => o.metadata.name === ref.name;
  let list;
  try {
    list = await client.list({ kind: "DaemonSet", namespace: ref.namespace });
  } catch (error) {
    if (isHubApiError(error, "Unavailable")) return "rewatch";
    throw error;
  }
  const current = list.items.find(isMine);
  if (current === undefined || !isObjectOfKind(current, "DaemonSet")) {
    throw new UsageError(`daemonsets "${ref.name}" not found`);
  }
  if (report(current)) return "done";
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (finish: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      watch.cancel();
      finish();
    };
    const watch = client.watch(
      { kind: "DaemonSet", namespace: ref.namespace, resourceVersion: list.resourceVersion },
      (event) => {
        if (!isMine(event.object) || !isObjectOfKind(event.object, "DaemonSet")) return;
        if (event.type === "DELETED") {
          settle(() => reject(new UsageError(`daemonset.apps/${ref.name} was deleted`)));
          return;
        }
        try {
          if (report(event.object)) settle(() => resolve("done"));
        } catch (error) {
          settle(() => reject(error));
        }
      },
    );
    const timer = setTimeout(
      () => settle(() => resolve("timeout")),
      Math.min(deadline - Date.now(), 2 ** 31 - 1),
    );
    watch.done.then(
      () => settle(() => resolve("rewatch")),
      (error: unknown) =>
        settle(() =>
          isHubApiError(error, "Unavailable") || isHubApiError(error, "Expired")
            ? resolve("rewatch")
            : reject(error),
        ),
    );
  });
}

export async function runRolloutHistory(
  client: HubClient,
  target: RolloutTarget,
  revision: number | undefined,
): Promise<CommandResult> {
  const ds = await getDaemonSet(client, daemonSetRef(target));
  const revisions = await daemonSetRevisions(client, ds);
  if (revision === undefined || revision === 0) return succeeded(formatHistory(ds, revisions));
  const found = revisions.find((r) => r.revision === revision);
  if (found === undefined)
    throw new UsageError(`unable to find the specified revision ${revision}`);
  const previous = revisions.find((r) => r.revision < revision);
  return succeeded(formatRevision(ds, found, previous));
}

/** undo, restart, pause, resume: `daemonset.apps/NAME rolled back` and so on. */
export async function runRolloutAction(
  client: HubClient,
  target: RolloutTarget,
  action: RolloutAction,
  toRevision?: number,
): Promise<CommandResult> {
  const ref = daemonSetRef(target);
  const result = await client.rollout({
    namespace: ref.namespace,
    name: ref.name,
    action,
    ...(toRevision !== undefined && { toRevision }),
  });
  return succeeded(`daemonset.apps/${ref.name} ${result.outcome}\n`);
}

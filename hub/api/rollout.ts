// `rollout undo|restart|pause|resume`: each a compare-and-swap write of the DaemonSet that the
// controller then rolls out under the update strategy, with an event saying what was asked.
import { revisionTemplate } from "../controller/revision-data.js";
import { PAUSED_ANNOTATION, isPaused } from "../controller/rollout-strategy.js";
import { templateHash } from "../controller/template-hash.js";
import { recordEvent } from "../events.js";
import { rfc3339 } from "../pod-termination.js";
import {
  DEFAULT_NAMESPACE,
  NotFoundError,
  type ControllerRevisionObject,
  type DaemonSetObject,
  type Store,
} from "../store/index.js";
import { RequestError } from "./request-error.js";
import { writeWithRetry } from "./write-with-retry.js";

/** As `kubectl rollout restart` marks the template: a new value means a new revision. */
export const RESTARTED_AT_ANNOTATION = "kubectl.kubernetes.io/restartedAt";

export const ROLLOUT_ACTIONS = ["undo", "restart", "pause", "resume"] as const;
export type RolloutAction = (typeof ROLLOUT_ACTIONS)[number];

export function isRolloutAction(value: string): value is RolloutAction {
  return ROLLOUT_ACTIONS.some((action) => action === value);
}

const EVENT_REASONS: Record<RolloutAction, string> = {
  undo: "RolledBack",
  restart: "RolloutRestarted",
  pause: "RolloutPaused",
  resume: "RolloutResumed",
};

export interface RolloutRequest {
  namespace?: string;
  name: string;
  action: RolloutAction;
  /** undo only: the revision to go back to; absent or 0 for the one before the current. */
  toRevision?: number;
}

export interface RolloutResult {
  daemonSet: DaemonSetObject;
  changed: boolean;
  /** kubectl's words after `daemonset.apps/NAME`: `rolled back`, `paused`… */
  outcome: string;
}

/** The stored revisions of one DaemonSet (by uid), newest first. */
export function revisionsOf(store: Store, ds: DaemonSetObject): ControllerRevisionObject[] {
  return store
    .list<ControllerRevisionObject>("ControllerRevision", { namespace: ds.metadata.namespace })
    .items.filter((r) => r.metadata.ownerReferences?.some((o) => o.uid === ds.metadata.uid))
    .sort((a, b) => b.revision - a.revision);
}

function undoTarget(store: Store, ds: DaemonSetObject, toRevision: number) {
  const revisions = revisionsOf(store, ds);
  const currentHash = templateHash(ds.spec?.template ?? {});
  if (toRevision > 0) {
    const found = revisions.find((r) => r.revision === toRevision);
    if (found === undefined) {
      throw new RequestError(
        "FailedPrecondition",
        `unable to find specified revision ${toRevision} in history`,
      );
    }
    return found;
  }
  const previous = revisions.find((r) => templateHash(revisionTemplate(r)) !== currentHash);
  if (previous === undefined) {
    throw new RequestError("FailedPrecondition", "no last revision to roll back to");
  }
  return previous;
}

/** Refuses with kubectl's words; returns the DaemonSet to store and the outcome. */
function edit(
  store: Store,
  stored: DaemonSetObject,
  request: RolloutRequest,
  now: Date,
): { next: DaemonSetObject; outcome: string; event: string } {
  const name = stored.metadata.name ?? "";
  const resumeFirst = `resume it first with 'daemonlet rollout resume daemonset/${name}'`;
  const annotations = stored.metadata.annotations ?? {};
  switch (request.action) {
    case "pause":
      if (isPaused(stored)) {
        throw new RequestError("FailedPrecondition", `daemonsets.apps "${name}" is already paused`);
      }
      return {
        next: {
          ...stored,
          metadata: {
            ...stored.metadata,
            annotations: { ...annotations, [PAUSED_ANNOTATION]: "true" },
          },
        },
        outcome: "paused",
        event: "Rollout paused",
      };
    case "resume": {
      if (!isPaused(stored)) {
        throw new RequestError("FailedPrecondition", `daemonsets.apps "${name}" is not paused`);
      }
      const rest = Object.fromEntries(
        Object.entries(annotations).filter(([key]) => key !== PAUSED_ANNOTATION),
      );
      return {
        next: {
          ...stored,
          metadata: {
            ...stored.metadata,
            annotations: Object.keys(rest).length > 0 ? rest : undefined,
          },
        },
        outcome: "resumed",
        event: "Rollout resumed",
      };
    }
    case "restart": {
      if (isPaused(stored)) {
        throw new RequestError(
          "FailedPrecondition",
          `cannot restart a paused DaemonSet; ${resumeFirst}`,
        );
      }
      const template = stored.spec?.template ?? {};
      const restartedAt = rfc3339(now);
      return {
        next: {
          ...stored,
          spec: {
            ...stored.spec!,
            template: {
              ...template,
              metadata: {
                ...template.metadata,
                annotations: {
                  ...template.metadata?.annotations,
                  [RESTARTED_AT_ANNOTATION]: restartedAt,
                },
              },
            },
          },
        },
        outcome: "restarted",
        event: `Rollout restarted at ${restartedAt}`,
      };
    }
    case "undo": {
      if (isPaused(stored)) {
        throw new RequestError(
          "FailedPrecondition",
          `cannot roll back a paused DaemonSet; ${resumeFirst}`,
        );
      }
      const target = undoTarget(store, stored, request.toRevision ?? 0);
      const template = revisionTemplate(target);
      if (templateHash(template) === templateHash(stored.spec?.template ?? {})) {
        return {
          next: stored,
          outcome: `skipped rollback (current template already matches revision ${target.revision})`,
          event: "",
        };
      }
      return {
        next: { ...stored, spec: { ...stored.spec!, template } },
        outcome: "rolled back",
        event: `Rolled back to revision ${target.revision}`,
      };
    }
  }
}

export function rollout(store: Store, request: RolloutRequest, now: Date): RolloutResult {
  const namespace = request.namespace || DEFAULT_NAMESPACE;
  const ref = { kind: "DaemonSet" as const, namespace, name: request.name };
  let outcome = "";
  let event = "";
  const { object, outcome: written } = writeWithRetry<DaemonSetObject>(store, ref, (stored) => {
    if (stored === undefined) throw new NotFoundError("DaemonSet", namespace, request.name);
    const result = edit(store, stored, request, now);
    outcome = result.outcome;
    event = result.event;
    return result.next;
  });
  const changed = written !== "unchanged";
  if (changed && event !== "") {
    recordEvent(
      store,
      {
        apiVersion: "apps/v1",
        kind: "DaemonSet",
        name: request.name,
        namespace,
        uid: object.metadata.uid,
      },
      "Normal",
      EVENT_REASONS[request.action],
      event,
      "daemonlet-rollout",
    );
  }
  return { daemonSet: object, changed, outcome };
}

/**
 * What `apply` keeps that the manifest did not say: the pause and the restart mark were set by
 * `rollout`, not by the manifest's author, so re-applying the manifest must not undo them (as
 * kubectl's apply keeps fields another manager set). A manifest that sets them wins.
 */
export function keepRolloutMarks(
  stored: DaemonSetObject | undefined,
  applied: DaemonSetObject,
): DaemonSetObject {
  if (stored === undefined) return applied;
  const paused = stored.metadata.annotations?.[PAUSED_ANNOTATION];
  const restartedAt = stored.spec?.template.metadata?.annotations?.[RESTARTED_AT_ANNOTATION];
  const appliedTemplate = applied.spec?.template ?? {};
  const keepPaused =
    paused !== undefined && applied.metadata.annotations?.[PAUSED_ANNOTATION] === undefined;
  const keepRestart =
    restartedAt !== undefined &&
    appliedTemplate.metadata?.annotations?.[RESTARTED_AT_ANNOTATION] === undefined;
  return {
    ...applied,
    metadata: keepPaused
      ? {
          ...applied.metadata,
          annotations: { ...applied.metadata.annotations, [PAUSED_ANNOTATION]: paused },
        }
      : applied.metadata,
    spec: keepRestart
      ? {
          ...applied.spec!,
          template: {
            ...appliedTemplate,
            metadata: {
              ...appliedTemplate.metadata,
              annotations: {
                ...appliedTemplate.metadata?.annotations,
                [RESTARTED_AT_ANNOTATION]: restartedAt,
              },
            },
          },
        }
      : applied.spec,
  };
}

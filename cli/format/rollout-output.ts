// What `daemonlet rollout status|history` prints, in kubectl's words where kubectl has them.
import type { ControllerRevision, DaemonSet } from "kubernetes-types/apps/v1.js";
import { stringify } from "yaml";
import { revisionTemplate } from "../../hub/controller/revision-data.js";
import { PAUSED_ANNOTATION } from "../../hub/controller/rollout-strategy.js";
import { DescribeWriter } from "./describe-writer.js";
import { writePodTemplate } from "./describe-daemonset.js";
import { lineDiff } from "./line-diff.js";
import { formatTable } from "./tab-table.js";

export interface RolloutProgress {
  message: string;
  done: boolean;
}

/** One line about where a rollout stands, as kubectl's DaemonSet status viewer says it. */
export function rolloutProgress(ds: DaemonSet): RolloutProgress {
  const name = JSON.stringify(ds.metadata?.name ?? "");
  const status = ds.status;
  if ((ds.metadata?.generation ?? 0) > (status?.observedGeneration ?? 0)) {
    return { message: "Waiting for daemon set spec update to be observed...", done: false };
  }
  const desired = status?.desiredNumberScheduled ?? 0;
  const updated = status?.updatedNumberScheduled ?? 0;
  const available = status?.numberAvailable ?? 0;
  const paused =
    ds.metadata?.annotations?.[PAUSED_ANNOTATION] === "true"
      ? ` (paused: resume with 'daemonlet rollout resume ds/${ds.metadata?.name}')`
      : "";
  if (updated < desired) {
    return {
      message: `Waiting for daemon set ${name} rollout to finish: ${updated} out of ${desired} new pods have been updated...${paused}`,
      done: false,
    };
  }
  if (available < desired) {
    return {
      message: `Waiting for daemon set ${name} rollout to finish: ${available} of ${desired} updated pods are available...`,
      done: false,
    };
  }
  return { message: `daemon set ${name} successfully rolled out`, done: true };
}

/** `rollout history`: one row per stored revision, oldest first. */
export function formatHistory(ds: DaemonSet, revisions: readonly ControllerRevision[]): string {
  const rows = [...revisions]
    .sort((a, b) => a.revision - b.revision)
    .map((r) => [
      String(r.revision),
      r.metadata?.annotations?.["kubernetes.io/change-cause"] ?? "<none>",
    ]);
  return `daemonset.apps/${ds.metadata?.name}\n${formatTable([["REVISION", "CHANGE-CAUSE"], ...rows])}\n`;
}

/**
 * `rollout history --revision N`: the revision's pod template as describe prints it, then what
 * changed since the revision before it (as YAML lines), when that one is still stored.
 */
export function formatRevision(
  ds: DaemonSet,
  revision: ControllerRevision,
  previous: ControllerRevision | undefined,
): string {
  const w = new DescribeWriter();
  const template = revisionTemplate(revision);
  writePodTemplate(w, template);
  let text = `daemonset.apps/${ds.metadata?.name} with revision #${revision.revision}\n${w.toString()}`;
  if (previous !== undefined) {
    const diff = lineDiff(templateYaml(revisionTemplate(previous)), templateYaml(template));
    text += `\nChanges from revision ${previous.revision}:\n${diff === "" ? "  <none>\n" : diff}`;
  }
  return text;
}

function templateYaml(template: object): string {
  return stringify(template, { sortMapEntries: true });
}

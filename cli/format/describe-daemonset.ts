// `describe ds NAME`, section for section what kubectl's describeDaemonSet prints.
import type { DaemonSet } from "kubernetes-types/apps/v1.js";
import type { Event, Pod, PodTemplateSpec } from "kubernetes-types/core/v1.js";
import { PAUSED_ANNOTATION } from "../../hub/controller/rollout-strategy.js";
import { writeContainers, writeVolumes } from "./describe-containers.js";
import { writeEvents } from "./describe-events.js";
import {
  DescribeWriter,
  writeAnnotations,
  writeLabels,
  writeTolerations,
} from "./describe-writer.js";
import { formatLabels, formatLabelSelector } from "./labels.js";

function podsStatus(pods: readonly Pod[]): string {
  const count = (phase: string) => pods.filter((p) => p.status?.phase === phase).length;
  return `${count("Running")} Running / ${count("Pending")} Waiting / ${count("Succeeded")} Succeeded / ${count("Failed")} Failed`;
}

/**
 * `pods` are the DaemonSet's own; `events` those about it; `revision` the number of its current
 * revision, when the hub has stored one.
 */
export function describeDaemonSet(
  ds: DaemonSet,
  pods: readonly Pod[],
  events: readonly Event[],
  now: Date,
  revision?: number,
): string {
  const w = new DescribeWriter();
  const status = ds.status;
  const template = ds.spec?.template;
  w.write(0, `Name:\t${ds.metadata?.name ?? ""}\n`);
  w.write(0, `Namespace:\t${ds.metadata?.namespace ?? ""}\n`);
  w.write(0, `Selector:\t${formatLabelSelector(ds.spec?.selector)}\n`);
  w.write(0, `Node-Selector:\t${formatLabels(template?.spec?.nodeSelector)}\n`);
  writeLabels(w, "Labels", ds.metadata?.labels);
  writeAnnotations(w, "Annotations", ds.metadata?.annotations);
  w.write(0, `Desired Number of Nodes Scheduled: ${status?.desiredNumberScheduled ?? 0}\n`);
  w.write(0, `Current Number of Nodes Scheduled: ${status?.currentNumberScheduled ?? 0}\n`);
  w.write(
    0,
    `Number of Nodes Scheduled with Up-to-date Pods: ${status?.updatedNumberScheduled ?? 0}\n`,
  );
  w.write(0, `Number of Nodes Scheduled with Available Pods: ${status?.numberAvailable ?? 0}\n`);
  w.write(0, `Number of Nodes Misscheduled: ${status?.numberMisscheduled ?? 0}\n`);
  w.write(0, `Pods Status:\t${podsStatus(pods)}\n`);
  writeRollout(w, ds, revision);
  writePodTemplate(w, template);
  writeEvents(w, events, now);
  return w.toString();
}

/** daemonlet's addition to kubectl's sections: how template changes roll out, and where it is. */
function writeRollout(w: DescribeWriter, ds: DaemonSet, revision: number | undefined): void {
  const strategy = ds.spec?.updateStrategy;
  if (strategy?.type === "OnDelete") {
    w.write(0, "Update Strategy:\tOnDelete\n");
  } else {
    const maxUnavailable = strategy?.rollingUpdate?.maxUnavailable ?? 1;
    const maxSurge = strategy?.rollingUpdate?.maxSurge ?? 0;
    w.write(
      0,
      `Update Strategy:\tRollingUpdate (max unavailable ${maxUnavailable}, max surge ${maxSurge})\n`,
    );
  }
  w.write(0, `Min Ready Seconds:\t${ds.spec?.minReadySeconds ?? 0}\n`);
  w.write(0, `Revision:\t${revision ?? "<none>"}\n`);
  w.write(0, `Rollout:\t${rolloutState(ds)}\n`);
}

function rolloutState(ds: DaemonSet): string {
  const status = ds.status;
  const desired = status?.desiredNumberScheduled ?? 0;
  const updated = status?.updatedNumberScheduled ?? 0;
  const available = status?.numberAvailable ?? 0;
  const observed = (ds.metadata?.generation ?? 0) <= (status?.observedGeneration ?? 0);
  const paused = ds.metadata?.annotations?.[PAUSED_ANNOTATION] === "true" ? " (paused)" : "";
  if (!observed) return `waiting for the hub to observe generation ${ds.metadata?.generation}`;
  if (updated === desired && available === desired) return `complete${paused}`;
  return `${updated} of ${desired} nodes updated, ${available} available${paused}`;
}

/** The `Pod Template:` section, as describe and `rollout history --revision` print it. */
export function writePodTemplate(w: DescribeWriter, template: PodTemplateSpec | undefined): void {
  w.write(0, "Pod Template:\n");
  writeLabels(w, "  Labels", template?.metadata?.labels);
  if (Object.keys(template?.metadata?.annotations ?? {}).length > 0) {
    writeAnnotations(w, "  Annotations", template?.metadata?.annotations);
  }
  if (template?.spec?.initContainers?.length) {
    writeContainers(w, template.spec.initContainers, undefined, "  ", "Init Containers");
  }
  writeContainers(w, template?.spec?.containers ?? [], undefined, "  ");
  writeVolumes(w, template?.spec?.volumes, "  ");
  writeLabels(w, "  Node-Selectors", template?.spec?.nodeSelector);
  writeTolerations(w, "  Tolerations", template?.spec?.tolerations);
}

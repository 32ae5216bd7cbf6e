// `describe pod NAME`, after kubectl's describePod.
import type { Event, Pod } from "kubernetes-types/core/v1.js";
import { writeContainers, writeVolumes } from "./describe-containers.js";
import { writeEvents } from "./describe-events.js";
import {
  DescribeWriter,
  describeTime,
  writeAnnotations,
  writeLabels,
  writeTolerations,
} from "./describe-writer.js";
import { humanDuration } from "./duration.js";

function writeStatus(w: DescribeWriter, pod: Pod, now: Date): void {
  const phase = pod.status?.phase ?? "";
  const deletion = pod.metadata?.deletionTimestamp;
  if (deletion && phase !== "Succeeded" && phase !== "Failed") {
    // The deletion timestamp is when the grace period ends.
    w.write(
      0,
      `Status:\tTerminating (lasts ${humanDuration(Date.parse(deletion) - now.getTime())})\n`,
    );
    const grace = pod.metadata?.deletionGracePeriodSeconds;
    if (grace !== undefined) w.write(0, `Termination Grace Period:\t${grace}s\n`);
  } else {
    w.write(0, `Status:\t${phase}\n`);
  }
  if (pod.status?.reason) w.write(0, `Reason:\t${pod.status.reason}\n`);
  if (pod.status?.message) w.write(0, `Message:\t${pod.status.message}\n`);
}

/** `events` are those about the pod. */
export function describePod(pod: Pod, events: readonly Event[], now: Date): string {
  const w = new DescribeWriter();
  const { metadata, spec, status } = pod;
  w.write(0, `Name:\t${metadata?.name ?? ""}\n`);
  w.write(0, `Namespace:\t${metadata?.namespace ?? ""}\n`);
  w.write(0, `Node:\t${spec?.nodeName ? `${spec.nodeName}/${status?.hostIP ?? ""}` : "<none>"}\n`);
  if (status?.startTime) w.write(0, `Start Time:\t${describeTime(status.startTime)}\n`);
  writeLabels(w, "Labels", metadata?.labels);
  writeAnnotations(w, "Annotations", metadata?.annotations);
  writeStatus(w, pod, now);
  w.write(0, `IP:\t${status?.podIP ?? ""}\n`);
  if (status?.podIP) {
    w.write(0, "IPs:\n");
    w.write(1, `IP:\t${status.podIP}\n`);
  } else {
    w.write(0, "IPs:\t<none>\n");
  }
  const controller = metadata?.ownerReferences?.find((o) => o.controller);
  if (controller) w.write(0, `Controlled By:\t${controller.kind}/${controller.name}\n`);
  if (spec?.initContainers?.length) {
    const statuses = status?.initContainerStatuses ?? [];
    writeContainers(w, spec.initContainers, statuses, "", "Init Containers");
  }
  writeContainers(w, spec?.containers ?? [], status?.containerStatuses ?? [], "");
  const conditions = status?.conditions ?? [];
  if (conditions.length > 0) {
    w.write(0, "Conditions:\n  Type\tStatus\n");
    // The spaces before the tabs are kubectl's.
    for (const c of conditions) w.write(1, `${c.type} \t${c.status} \n`);
  }
  writeVolumes(w, spec?.volumes, "");
  writeLabels(w, "Node-Selectors", spec?.nodeSelector);
  writeTolerations(w, "Tolerations", spec?.tolerations);
  writeEvents(w, events, now);
  return w.toString();
}

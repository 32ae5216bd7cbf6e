// `describe node NAME`, after kubectl's describeNode: identity, taints, conditions, addresses,
// capacity and system info, the node's pods and its events. kubectl's per-pod resource table
// needs quantity arithmetic the hub does not do yet, so the pods are listed with their READY and
// STATUS instead, which is what an operator asks of a DaemonSet node.
import type { Event, Node, Pod } from "kubernetes-types/core/v1.js";
import { writeEvents } from "./describe-events.js";
import {
  DescribeWriter,
  describeTime,
  writeAnnotations,
  writeLabels,
  writeTaints,
} from "./describe-writer.js";
import { age } from "./duration.js";
import { nodeRoles } from "./node-columns.js";
import { summarizePod } from "./pod-summary.js";
import { byText } from "./text-order.js";

function writeResourceList(
  w: DescribeWriter,
  title: string,
  list: Record<string, string> | undefined,
) {
  const names = Object.keys(list ?? {}).sort(byText);
  if (names.length === 0) return;
  w.write(0, `${title}:\n`);
  for (const name of names) w.write(0, `  ${name}:\t${list?.[name] ?? ""}\n`);
}

/** `pods` are those bound to the node; `events` those about it. */
export function describeNode(
  node: Node,
  pods: readonly Pod[],
  events: readonly Event[],
  now: Date,
): string {
  const w = new DescribeWriter();
  const status = node.status;
  w.write(0, `Name:\t${node.metadata?.name ?? ""}\n`);
  w.write(0, `Roles:\t${nodeRoles(node)}\n`);
  writeLabels(w, "Labels", node.metadata?.labels);
  writeAnnotations(w, "Annotations", node.metadata?.annotations);
  w.write(0, `CreationTimestamp:\t${describeTime(node.metadata?.creationTimestamp)}\n`);
  writeTaints(w, node.spec?.taints);
  w.write(0, `Unschedulable:\t${node.spec?.unschedulable ? "true" : "false"}\n`);
  const conditions = status?.conditions ?? [];
  if (conditions.length > 0) {
    w.write(
      0,
      "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n",
    );
    w.write(1, "----\t------\t-----------------\t------------------\t------\t-------\n");
    for (const c of conditions) {
      // The spaces before the tabs are kubectl's.
      w.write(
        1,
        `${c.type} \t${c.status} \t${describeTime(c.lastHeartbeatTime)} \t${describeTime(c.lastTransitionTime)} \t${c.reason ?? ""} \t${c.message ?? ""}\n`,
      );
    }
  }
  if ((status?.addresses ?? []).length > 0) {
    w.write(0, "Addresses:\n");
    for (const a of status?.addresses ?? []) w.write(1, `${a.type}:\t${a.address}\n`);
  }
  writeResourceList(w, "Capacity", status?.capacity);
  writeResourceList(w, "Allocatable", status?.allocatable);
  const info = status?.nodeInfo;
  if (info) {
    w.write(0, "System Info:\n");
    w.write(0, `  Kernel Version:\t${info.kernelVersion}\n`);
    w.write(0, `  OS Image:\t${info.osImage}\n`);
    w.write(0, `  Operating System:\t${info.operatingSystem}\n`);
    w.write(0, `  Architecture:\t${info.architecture}\n`);
    w.write(0, `  Container Runtime Version:\t${info.containerRuntimeVersion}\n`);
    w.write(0, `  Kubelet Version:\t${info.kubeletVersion}\n`);
  }
  const running = pods.filter(
    (p) => p.status?.phase !== "Succeeded" && p.status?.phase !== "Failed",
  );
  w.write(0, `Non-terminated Pods:\t(${running.length} in total)\n`);
  w.write(1, "Namespace\tName\tReady\tStatus\tAge\n");
  w.write(1, "---------\t----\t-----\t------\t---\n");
  for (const pod of running) {
    const { ready, status: podStatus } = summarizePod(pod, now);
    const meta = pod.metadata;
    w.write(
      1,
      `${meta?.namespace ?? ""}\t${meta?.name ?? ""}\t${ready}\t${podStatus}\t${age(meta?.creationTimestamp, now)}\n`,
    );
  }
  writeEvents(w, events, now);
  return w.toString();
}

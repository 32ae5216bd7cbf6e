// `describe node NAME`, after kubectl's describeNode: identity, taints, conditions, addresses,
// capacity and system info, the node's pods with their requests and limits (and, beyond kubectl,
// what each uses now, and the node's own usage), allocated resources and its events.
import type { Container, Event, Node, Pod } from "kubernetes-types/core/v1.js";
import { parseQuantity } from "../../agent/pods/quantity.js";
import { podRequests } from "../../agent/node/admission.js";
import { podTotals } from "../../hub/usage/daemonset-usage.js";
import type { NodeMetrics, PodMetrics } from "../../hub/usage/metrics-objects.js";
import { formatCpu, formatDisk, formatMemory, formatPercent, formatRate } from "./usage-units.js";
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

/** The usage figures of the node and its pods, when the hub has them. */
export interface NodeUsageView {
  node?: NodeMetrics;
  pods: readonly PodMetrics[];
}

interface Amounts {
  cpu: number;
  memory: number;
}

function limitsOf(containers: readonly Container[]): Amounts {
  return containers.reduce(
    (sum, c) => ({
      cpu: sum.cpu + parseQuantity(c.resources?.limits?.["cpu"] ?? 0),
      memory: sum.memory + parseQuantity(c.resources?.limits?.["memory"] ?? 0),
    }),
    { cpu: 0, memory: 0 },
  );
}

function requestsOf(pod: Pod): Amounts {
  const r = podRequests({ containers: pod.spec?.containers ?? [], ...pod.spec });
  return { cpu: r.cpuMillis / 1000, memory: r.memoryBytes };
}

/** `250m (12%)` against the node's allocatable, as kubectl writes requests and limits. */
function share(used: number, of: number, format: (n: number) => string): string {
  const text = used === 0 ? "0" : format(used);
  return `${text} (${of > 0 ? Math.round((used / of) * 100) : 0}%)`;
}

/** `pods` are those bound to the node; `events` those about it. */
export function describeNode(
  node: Node,
  pods: readonly Pod[],
  events: readonly Event[],
  now: Date,
  usage: NodeUsageView = { pods: [] },
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
  const cpuOf = parseQuantity(status?.allocatable?.["cpu"] ?? 0);
  const memoryOf = parseQuantity(status?.allocatable?.["memory"] ?? 0);
  const figures = new Map(
    usage.pods.map((m) => [`${m.metadata.namespace}/${m.metadata.name}`, podTotals(m)]),
  );
  w.write(0, `Non-terminated Pods:\t(${running.length} in total)\n`);
  w.write(
    1,
    "Namespace\tName\tStatus\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tCPU Usage\tMemory Usage\tAge\n",
  );
  w.write(
    1,
    "---------\t----\t------\t------------\t----------\t---------------\t-------------\t---------\t------------\t---\n",
  );
  const requested = { cpu: 0, memory: 0 };
  const limited = { cpu: 0, memory: 0 };
  for (const pod of running) {
    const meta = pod.metadata;
    const requests = requestsOf(pod);
    const limits = limitsOf(pod.spec?.containers ?? []);
    requested.cpu += requests.cpu;
    requested.memory += requests.memory;
    limited.cpu += limits.cpu;
    limited.memory += limits.memory;
    const used = figures.get(`${meta?.namespace ?? "default"}/${meta?.name ?? ""}`);
    w.write(
      1,
      [
        meta?.namespace ?? "",
        meta?.name ?? "",
        summarizePod(pod, now).status,
        share(requests.cpu, cpuOf, formatCpu),
        share(limits.cpu, cpuOf, formatCpu),
        share(requests.memory, memoryOf, formatMemory),
        share(limits.memory, memoryOf, formatMemory),
        used ? formatCpu(used.cpuCores) : "<unknown>",
        used ? formatMemory(used.memoryBytes) : "<unknown>",
        age(meta?.creationTimestamp, now),
      ].join("\t") + "\n",
    );
  }
  w.write(
    0,
    "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n",
  );
  w.write(1, "Resource\tRequests\tLimits\n");
  w.write(1, "--------\t--------\t------\n");
  w.write(
    1,
    `cpu\t${share(requested.cpu, cpuOf, formatCpu)}\t${share(limited.cpu, cpuOf, formatCpu)}\n`,
  );
  w.write(
    1,
    `memory\t${share(requested.memory, memoryOf, formatMemory)}\t${share(limited.memory, memoryOf, formatMemory)}\n`,
  );
  const m = usage.node;
  if (m) {
    w.write(0, `Usage:\t(at ${describeTime(m.timestamp)}, over ${m.window})\n`);
    const cpu = parseQuantity(m.usage.cpu);
    const memory = parseQuantity(m.usage.memory);
    const disk = parseQuantity(m.usage["ephemeral-storage"]);
    w.write(1, `cpu:\t${formatCpu(cpu)} (${formatPercent(cpu, cpuOf)})\n`);
    w.write(1, `memory:\t${formatMemory(memory)} (${formatPercent(memory, memoryOf)})\n`);
    w.write(
      1,
      `ephemeral-storage:\t${formatDisk(disk)} used, ${formatDisk(m.filesystem.availableBytes)} available (${formatPercent(disk, m.filesystem.capacityBytes)})\n`,
    );
    w.write(
      1,
      `network:\t${formatRate(m.network.rxBytesPerSecond)} in, ${formatRate(m.network.txBytesPerSecond)} out\n`,
    );
  }
  writeEvents(w, events, now);
  return w.toString();
}

// Resource admission, as a kubelet's: a pod whose requests do not fit what the node can give
// (allocatable minus what the pods it already admitted request) is rejected and never started.
// Pure; the PodAdmitter keeps which pods were admitted.
import type { Container, PodSpec } from "kubernetes-types/core/v1.js";
import { parseQuantity } from "../pods/quantity.js";

/** cpu in millicores, memory in bytes, pods as a count. */
export interface ResourceAmounts {
  cpuMillis: number;
  memoryBytes: number;
  pods: number;
}

export interface Rejection {
  /** The kubelet's words: OutOfcpu, OutOfmemory, OutOfpods. */
  reason: string;
  message: string;
}

const NO_RESOURCES: ResourceAmounts = { cpuMillis: 0, memoryBytes: 0, pods: 0 };

/** What one container asks for: requests, or its limits where requests are unset (API defaulting). */
function containerRequests(container: Container): ResourceAmounts {
  const { requests = {}, limits = {} } = container.resources ?? {};
  const cpu = requests["cpu"] ?? limits["cpu"];
  const memory = requests["memory"] ?? limits["memory"];
  return {
    cpuMillis: cpu === undefined ? 0 : Math.ceil(parseQuantity(cpu) * 1000),
    memoryBytes: memory === undefined ? 0 : Math.ceil(parseQuantity(memory)),
    pods: 0,
  };
}

/**
 * A pod's effective requests, as the scheduler computes them: the app containers' sum, or the
 * largest init container's if that is more (init containers run one at a time, before the app).
 */
export function podRequests(spec: Pick<PodSpec, "containers" | "initContainers">): ResourceAmounts {
  const apps = spec.containers.map(containerRequests).reduce(add, NO_RESOURCES);
  const inits = (spec.initContainers ?? []).map(containerRequests);
  return {
    cpuMillis: Math.max(apps.cpuMillis, ...inits.map((r) => r.cpuMillis)),
    memoryBytes: Math.max(apps.memoryBytes, ...inits.map((r) => r.memoryBytes)),
    pods: 1,
  };
}

export function add(a: ResourceAmounts, b: ResourceAmounts): ResourceAmounts {
  return {
    cpuMillis: a.cpuMillis + b.cpuMillis,
    memoryBytes: a.memoryBytes + b.memoryBytes,
    pods: a.pods + b.pods,
  };
}

export function sumRequests(specs: readonly ResourceAmounts[]): ResourceAmounts {
  return specs.reduce(add, NO_RESOURCES);
}

/**
 * Undefined when `requested` fits beside `used` within `allocatable`; otherwise the first
 * resource that does not fit, worded as the kubelet words it (figures in millicores and bytes).
 */
export function admit(
  requested: ResourceAmounts,
  used: ResourceAmounts,
  allocatable: ResourceAmounts,
): Rejection | undefined {
  const checks: [keyof ResourceAmounts, string][] = [
    ["pods", "pods"],
    ["cpuMillis", "cpu"],
    ["memoryBytes", "memory"],
  ];
  for (const [key, name] of checks) {
    if (requested[key] > 0 && used[key] + requested[key] > allocatable[key]) {
      return {
        reason: `OutOf${name}`,
        message: `Pod was rejected: Node didn't have enough resource: ${name}, requested: ${requested[key]}, used: ${used[key]}, capacity: ${allocatable[key]}`,
      };
    }
  }
  return undefined;
}

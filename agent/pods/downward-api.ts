// The Downward API subset daemonlet honours: env values from pod fields (`fieldRef`) and from
// container resources (`resourceFieldRef`), with Kubernetes' rules for both.
import type { Container } from "kubernetes-types/core/v1.js";
import type { DesiredPod } from "./desired-pod.js";
import { qualifiedName } from "./field-formats.js";
import { parseQuantity } from "./quantity.js";

const POD_FIELDS = [
  "metadata.name",
  "metadata.namespace",
  "metadata.uid",
  "spec.nodeName",
  "status.hostIP",
  "status.hostIPs",
  "status.podIP",
  "status.podIPs",
];
const MAP_FIELD = /^metadata\.(labels|annotations)\['(.*)'\]$/;

export const RESOURCE_FIELDS = ["limits.cpu", "limits.memory", "requests.cpu", "requests.memory"];

const CPU_DIVISORS = [0.001, 1];
const MEMORY_DIVISORS = [
  1,
  1e3,
  1e6,
  1e9,
  1e12,
  1e15,
  1e18,
  2 ** 10,
  2 ** 20,
  2 ** 30,
  2 ** 40,
  2 ** 50,
  2 ** 60,
];

export interface NodeCapacity {
  cpuCores: number;
  memoryBytes: number;
}

export function fieldRefProblem(fieldPath: string): string | undefined {
  if (POD_FIELDS.includes(fieldPath)) return undefined;
  const map = MAP_FIELD.exec(fieldPath);
  if (map) {
    const problem = qualifiedName(map[2] ?? "");
    return problem && `key ${problem}`;
  }
  if (fieldPath === "spec.serviceAccountName") {
    return "spec.serviceAccountName is not supported yet (service accounts are ignored)";
  }
  return `must be one of ${POD_FIELDS.join(", ")}, metadata.labels['<key>'], metadata.annotations['<key>']`;
}

/** Kubernetes only allows divisors that are 1 of a unit: 1m or 1 for cpu, 1, 1k, 1Mi… for memory. */
export function divisorProblem(resource: string, divisor: string): string | undefined {
  const value = parseQuantity(divisor);
  if (resource.endsWith(".cpu")) {
    return CPU_DIVISORS.includes(value) ? undefined : "must be 1m or 1 for cpu";
  }
  return MEMORY_DIVISORS.includes(value)
    ? undefined
    : "must be 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi or 1Ei for memory";
}

/** The value of a validated `fieldRef`; a label or annotation the pod lacks is empty. */
export function fieldRefValue(pod: DesiredPod, fieldPath: string, hostIP: string): string {
  switch (fieldPath) {
    case "metadata.name":
      return pod.name;
    case "metadata.namespace":
      return pod.namespace;
    case "metadata.uid":
      return pod.uid;
    case "spec.nodeName":
      return pod.nodeName;
    case "status.hostIP":
    case "status.hostIPs":
      return hostIP;
    case "status.podIP":
    case "status.podIPs":
      // With host networking the pod's IP is the node's. Otherwise Docker assigns the address
      // when the container starts, after its env is fixed, so the value is empty.
      return pod.spec.hostNetwork ? hostIP : "";
  }
  const map = MAP_FIELD.exec(fieldPath);
  if (!map) throw new Error(`fieldRef ${fieldPath} should have been refused by validation`);
  const values = map[1] === "labels" ? pod.labels : pod.annotations;
  return values[map[2] ?? ""] ?? "";
}

/**
 * The value of a validated `resourceFieldRef`, as the kubelet computes it: rounded up to whole
 * divisors (so `limits.cpu` of 500m reads "1" with the default divisor), a missing limit reads
 * as the node's capacity and a missing request as 0.
 */
export function resourceFieldValue(
  container: Container,
  resource: string,
  divisor: string | undefined,
  capacity: NodeCapacity,
): string {
  const [kind, name = ""] = resource.split(".");
  const isLimit = kind === "limits";
  const isCpu = name === "cpu";
  const set = isLimit ? container.resources?.limits : container.resources?.requests;
  const quantity = set?.[name];
  const fallback = isLimit ? (isCpu ? capacity.cpuCores : capacity.memoryBytes) : 0;
  const value = quantity === undefined ? fallback : parseQuantity(quantity);
  const by = divisor === undefined ? 1 : parseQuantity(divisor);
  // Kubernetes counts cpu in whole millicores and memory in whole bytes, both rounded up.
  const unit = isCpu ? 1000 : 1;
  return String(ceilClean(ceilClean(value * unit) / ceilClean(by * unit)));
}

// Decimal scaling in binary floats leaves noise (1.005 * 1000 = 1004.9999999999999); drop it
// before rounding up so exact values stay exact.
function ceilClean(x: number): number {
  return Math.ceil(Number(x.toPrecision(12)));
}

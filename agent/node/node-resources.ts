// Capacity and allocatable, as a kubelet computes them: allocatable = capacity − system reserved
// − agent reserved (the kubelet's kube-reserved) − the hard pressure threshold, so pods the node
// admits never push it into pressure by their requests alone. Pure.
import { parseQuantity } from "../pods/quantity.js";
import type { ResourceAmounts } from "./admission.js";
import { parseThreshold, thresholdAmount, type PressureSignal } from "./thresholds.js";

export const RESERVABLE = ["cpu", "memory", "ephemeral-storage"] as const;
export type Reservable = (typeof RESERVABLE)[number];
export type Reservation = Partial<Record<Reservable, string>>;

export interface MachineSize {
  cpus: number;
  memoryBytes: number;
  /** The filesystem of the container engine's data root. */
  nodefsBytes: number;
  maxPods: number;
}

export interface NodeResources {
  /** Kubernetes quantities keyed cpu, memory, ephemeral-storage, pods. */
  capacity: Record<string, string>;
  allocatable: Record<string, string>;
  /** Allocatable in the units admission counts in. */
  allocatableAmounts: ResourceAmounts;
}

function reserved(reservations: readonly Reservation[], name: Reservable): number {
  return reservations.reduce(
    (sum, r) => sum + (r[name] === undefined ? 0 : parseQuantity(r[name])),
    0,
  );
}

export function nodeResources(
  machine: MachineSize,
  reservations: readonly Reservation[],
  thresholds: Readonly<Record<PressureSignal, string>>,
): NodeResources {
  const cpuMillis = Math.max(
    0,
    machine.cpus * 1000 - Math.ceil(reserved(reservations, "cpu") * 1000),
  );
  const memoryBytes = Math.max(
    0,
    machine.memoryBytes -
      reserved(reservations, "memory") -
      thresholdAmount(parseThreshold(thresholds["memory.available"]), machine.memoryBytes),
  );
  const storageBytes = Math.max(
    0,
    machine.nodefsBytes -
      reserved(reservations, "ephemeral-storage") -
      thresholdAmount(parseThreshold(thresholds["nodefs.available"]), machine.nodefsBytes),
  );
  return {
    capacity: {
      cpu: String(machine.cpus),
      memory: kibibytes(machine.memoryBytes),
      "ephemeral-storage": kibibytes(machine.nodefsBytes),
      pods: String(machine.maxPods),
    },
    allocatable: {
      cpu: millicores(cpuMillis),
      memory: kibibytes(memoryBytes),
      "ephemeral-storage": kibibytes(storageBytes),
      pods: String(machine.maxPods),
    },
    allocatableAmounts: {
      cpuMillis,
      memoryBytes: Math.floor(memoryBytes / 1024) * 1024,
      pods: machine.maxPods,
    },
  };
}

/** `2` for whole cores, `1900m` otherwise, as the API server canonicalises. */
export function millicores(millis: number): string {
  return millis % 1000 === 0 ? String(millis / 1000) : `${millis}m`;
}

export function kibibytes(bytes: number): string {
  return `${Math.floor(bytes / 1024)}Ki`;
}

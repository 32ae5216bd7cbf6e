// The node's conditions from what was last measured: MemoryPressure, DiskPressure and PIDPressure
// against the pressure thresholds, Ready from the container engine's health. Each keeps its
// transition time while its status holds. Pure.
import type { NodeCondition } from "kubernetes-types/core/v1.js";
import { parseThreshold, thresholdAmount, type PressureSignal } from "./thresholds.js";

export interface NodeSignals {
  memoryAvailableBytes: number;
  memoryTotalBytes: number;
  nodefsAvailableBytes: number;
  nodefsTotalBytes: number;
  pidAvailable: number;
  pidMax: number;
  /** Undefined while the engine answers; otherwise why it does not. */
  runtimeProblem?: string;
}

interface Rule {
  type: string;
  signal: PressureSignal;
  available: (s: NodeSignals) => number;
  total: (s: NodeSignals) => number;
  unit: (n: number) => string;
  ok: [reason: string, message: string];
  pressure: [reason: string, message: string];
}

const mebibytes = (n: number) => `${Math.round(n / 2 ** 20)}Mi`;

const RULES: readonly Rule[] = [
  {
    type: "MemoryPressure",
    signal: "memory.available",
    available: (s) => s.memoryAvailableBytes,
    total: (s) => s.memoryTotalBytes,
    unit: mebibytes,
    ok: ["AgentHasSufficientMemory", "agent has sufficient memory available"],
    pressure: ["AgentHasInsufficientMemory", "agent has insufficient memory available"],
  },
  {
    type: "DiskPressure",
    signal: "nodefs.available",
    available: (s) => s.nodefsAvailableBytes,
    total: (s) => s.nodefsTotalBytes,
    unit: mebibytes,
    ok: ["AgentHasNoDiskPressure", "agent has no disk pressure"],
    pressure: ["AgentHasDiskPressure", "agent has disk pressure"],
  },
  {
    type: "PIDPressure",
    signal: "pid.available",
    available: (s) => s.pidAvailable,
    total: (s) => s.pidMax,
    unit: (n) => String(Math.round(n)),
    ok: ["AgentHasSufficientPID", "agent has sufficient PID available"],
    pressure: ["AgentHasInsufficientPID", "agent has insufficient PID available"],
  },
];

export const CONDITION_TYPES = ["Ready", ...RULES.map((r) => r.type)] as const;

export function nodeConditions(
  signals: NodeSignals,
  thresholds: Readonly<Record<PressureSignal, string>>,
  previous: readonly NodeCondition[],
  now: Date,
): NodeCondition[] {
  const conditions: Omit<NodeCondition, "lastTransitionTime">[] = RULES.map((rule) => {
    const available = rule.available(signals);
    const limit = thresholdAmount(parseThreshold(thresholds[rule.signal]), rule.total(signals));
    const [reason, message] = available < limit ? rule.pressure : rule.ok;
    return {
      type: rule.type,
      status: available < limit ? "True" : "False",
      reason,
      message: `${message} (${rule.signal} ${rule.unit(available)}, threshold ${rule.unit(limit)})`,
    };
  });
  const ready = signals.runtimeProblem
    ? {
        type: "Ready",
        status: "False",
        reason: "AgentNotReady",
        message: `container runtime is down: ${signals.runtimeProblem}`,
      }
    : {
        type: "Ready",
        status: "True",
        reason: "AgentReady",
        message: "agent is posting ready status",
      };
  return [...conditions, ready].map((c) => {
    const before = previous.find((p) => p.type === c.type);
    const lastTransitionTime =
      before?.status === c.status && before.lastTransitionTime
        ? before.lastTransitionTime
        : now.toISOString();
    return { ...c, lastTransitionTime };
  });
}

/** True when the two differ in anything but the wording of the measured figures. */
export function conditionsChanged(
  a: readonly NodeCondition[],
  b: readonly NodeCondition[],
): boolean {
  if (a.length !== b.length) return true;
  return a.some((c, i) => {
    const other = b[i];
    return (
      other === undefined ||
      other.type !== c.type ||
      other.status !== c.status ||
      other.reason !== c.reason
    );
  });
}

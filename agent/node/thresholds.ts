// Node pressure thresholds, named as the kubelet's eviction signals (`memory.available<100Mi`,
// `nodefs.available<10%`, `pid.available<…`), so an operator's kubelet settings carry over.
import { parseQuantity } from "../pods/quantity.js";

export const PRESSURE_SIGNALS = ["memory.available", "nodefs.available", "pid.available"] as const;
export type PressureSignal = (typeof PRESSURE_SIGNALS)[number];

/** The kubelet's hard eviction defaults for Linux, and 10 % of the pid space for pids. */
export const DEFAULT_PRESSURE_THRESHOLDS: Readonly<Record<PressureSignal, string>> = {
  "memory.available": "100Mi",
  "nodefs.available": "10%",
  "pid.available": "10%",
};

export type Threshold = { percent: number } | { amount: number };

export class ThresholdError extends Error {
  override readonly name = "ThresholdError";
}

export function isPressureSignal(name: string): name is PressureSignal {
  return (PRESSURE_SIGNALS as readonly string[]).includes(name);
}

/** `10%` or a quantity (`100Mi`, `500`); throws ThresholdError naming what is wrong. */
export function parseThreshold(value: string): Threshold {
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(value);
  if (percent) {
    const n = Number(percent[1]);
    if (n > 100) throw new ThresholdError(`${value}: a percentage is at most 100%`);
    return { percent: n };
  }
  try {
    const amount = parseQuantity(value);
    if (amount < 0) throw new ThresholdError(`${value}: must not be negative`);
    return { amount };
  } catch (error) {
    if (error instanceof ThresholdError) throw error;
    throw new ThresholdError(`${value}: expected a percentage (10%) or a quantity (100Mi)`);
  }
}

/** The threshold as an amount of the signal's unit, given the capacity it is a share of. */
export function thresholdAmount(threshold: Threshold, capacity: number): number {
  return "percent" in threshold ? (capacity * threshold.percent) / 100 : threshold.amount;
}

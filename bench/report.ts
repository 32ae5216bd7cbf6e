// What every benchmark prints: a table for people, one JSON line for machines, and the facts of
// the machine it ran on (the load average says how much others were using it meanwhile).
import { readFileSync } from "node:fs";
import os from "node:os";

/** The value at quantile q (0–1) of `values`, nearest-rank. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] as number;
}

export interface Summary {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export function summarize(values: readonly number[]): Summary {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return {
    n: values.length,
    p50: round(quantile(values, 0.5)),
    p95: round(quantile(values, 0.95)),
    p99: round(quantile(values, 0.99)),
    max: round(Math.max(...values)),
    mean: round(mean),
  };
}

export const round = (n: number, digits = 1) => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};

/** The 1, 5 and 15 minute load averages. */
export function loadAverage(): [number, number, number] {
  const [a = 0, b = 0, c = 0] = readFileSync("/proc/loadavg", "utf8").split(" ").map(Number);
  return [a, b, c];
}

export function machine() {
  return {
    date: new Date().toISOString(),
    node: process.version,
    nproc: os.availableParallelism(),
    cpu: os.cpus()[0]?.model,
    memoryGb: round(os.totalmem() / 2 ** 30),
    kernel: os.release(),
    loadAverage: loadAverage(),
  };
}

/** Prints rows as an aligned table: the first column left-aligned, the others right-aligned. */
export function printTable(head: string[], rows: string[][]): void {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
  for (const r of [head, ...rows]) {
    console.log(
      r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  "),
    );
  }
}

/** Reads a positive number from the environment, or the fallback. */
export function envNumber(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!(value > 0)) throw new Error(`${name} must be a positive number`);
  return value;
}

/** Runs `cleanup` once, on normal exit and on Ctrl-C / SIGTERM. */
export function onExit(cleanup: () => Promise<void>): () => Promise<void> {
  let cleaning: Promise<void> | undefined;
  const once = () => (cleaning ??= cleanup());
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      console.error(`${signal}: cleaning up`);
      void once().finally(() => process.exit(130));
    });
  }
  return once;
}

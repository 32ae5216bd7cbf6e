// Durations on the command line as kubectl takes them (`--timeout 5m`, `90s`, `1m30s`, `0`).
import { UsageError } from "./usage-error.js";

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds; a bare number counts as seconds. Throws UsageError naming the flag. */
export function parseDuration(value: string, flag: string): number {
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (text === "" || parts.map((p) => p[0]).join("") !== text) {
    throw new UsageError(`${flag}: invalid duration ${JSON.stringify(value)} (e.g. 30s, 5m, 1h)`);
  }
  return parts.reduce((sum, [, amount, unit]) => sum + Number(amount) * UNIT_MS[unit ?? "s"]!, 0);
}

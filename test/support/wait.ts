// Waits on a condition instead of sleeping: polls until `fn` returns a value other than
// undefined/false (and, with `until`, one the predicate accepts); on timeout it names what it
// waited for and the last thing it saw.
import { setTimeout as delay } from "node:timers/promises";

export interface WaitOptions<T> {
  what: string;
  timeoutMs?: number;
  intervalMs?: number;
  /** Keep polling until the value also satisfies this. */
  until?: (value: T) => boolean;
}

export async function waitFor<T>(
  fn: () => T | undefined | false | Promise<T | undefined | false>,
  { what, timeoutMs = 10_000, intervalMs = 50, until }: WaitOptions<T>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false && (until === undefined || until(v))) return v;
      last = v;
    } catch (e) {
      last = e;
    }
    if (Date.now() >= deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${describe(last)})`);
    }
    await delay(intervalMs);
  }
}

function describe(last: unknown): string {
  if (last instanceof Error) return `last error: ${last.message}`;
  let text: string;
  try {
    text = JSON.stringify(last) ?? String(last);
  } catch {
    text = String(last);
  }
  return `last value: ${text.length > 500 ? `${text.slice(0, 500)}…` : text}`;
}

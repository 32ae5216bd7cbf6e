// Integers as Go's `strconv.ParseInt(s, 10, 64)` reads them, because Kubernetes compares Gt/Lt
// node-affinity values that way. BigInt keeps values past 2^53 exact, where Number would round
// two different labels to the same value.

const DECIMAL = /^[+-]?[0-9]+$/;
const MIN = -(2n ** 63n);
const MAX = 2n ** 63n - 1n;

/** The int64 `s` spells, or undefined when Go would refuse it (syntax, or out of range). */
export function parseInt64(s: string): bigint | undefined {
  if (!DECIMAL.test(s)) return undefined;
  const n = BigInt(s);
  return n >= MIN && n <= MAX ? n : undefined;
}

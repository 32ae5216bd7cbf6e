// Seeded randomness for the fuzz tests, so a failure names its seed and case and reproduces:
// FUZZ_SEED=<seed> npm run test:faults.

/** The seed of this run: FUZZ_SEED when set, else a fixed default so CI runs are repeatable. */
export function fuzzSeed(fallback = 0x5eed): number {
  const given = process.env["FUZZ_SEED"];
  if (given === undefined || given === "") return fallback;
  const seed = Number(given);
  if (!Number.isInteger(seed)) throw new Error(`FUZZ_SEED must be an integer, not ${given}`);
  return seed >>> 0;
}

/** mulberry32: small, fast, and good enough to pick mutations. */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error("pick from an empty list");
    return items[this.int(items.length)] as T;
  }

  bytes(n: number): Buffer {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) out[i] = this.int(256);
    return out;
  }
}

/** Flips, drops, repeats or inserts bytes of `input` a few times. */
export function mutateBytes(rng: Prng, input: Uint8Array): Buffer {
  const out = Buffer.from(input);
  let bytes = out;
  const edits = 1 + rng.int(4);
  for (let i = 0; i < edits; i++) {
    const at = rng.int(Math.max(1, bytes.length));
    switch (rng.int(4)) {
      case 0:
        if (bytes.length > 0) bytes[at] = (bytes[at] ?? 0) ^ (1 << rng.int(8));
        break;
      case 1:
        bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1 + rng.int(8))]);
        break;
      case 2: {
        const len = 1 + rng.int(16);
        bytes = Buffer.concat([
          bytes.subarray(0, at),
          bytes.subarray(at, at + len),
          bytes.subarray(at),
        ]);
        break;
      }
      default:
        bytes = Buffer.concat([
          bytes.subarray(0, at),
          rng.bytes(1 + rng.int(8)),
          bytes.subarray(at),
        ]);
    }
  }
  return bytes;
}

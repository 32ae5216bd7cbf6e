// Kubernetes resource quantities (`500m`, `128Mi`, `1e3`), as the API server accepts them.

const DECIMAL_EXPONENT: Readonly<Record<string, number>> = {
  n: -9,
  u: -6,
  m: -3,
  "": 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};

const BINARY_MULTIPLIER: Readonly<Record<string, number>> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

// <signedNumber> then one of: a binary suffix, a decimal suffix, or an exponent. A bare `E` is
// exa, `E3` is an exponent: the regex tries the suffix first and backtracks to the exponent.
const QUANTITY =
  /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]?)|[eE]([+-]?\d+))$/;

export class QuantityError extends Error {
  override readonly name = "QuantityError";
  constructor(readonly input: string) {
    super(
      `${JSON.stringify(input)} is not a valid quantity ` +
        "(a number with an optional suffix, e.g. 500m, 2, 0.5, 128Mi, 1Gi, 1G, 1e3)",
    );
  }
}

export function isQuantityError(err: unknown): err is QuantityError {
  return err instanceof QuantityError;
}

/**
 * The value of a quantity as a plain number: cpu in cores (`500m` → 0.5), memory in bytes
 * (`128Mi` → 134217728). YAML may hand us a number (`cpu: 1`), which is taken as written.
 * Callers round as Kubernetes does for their unit (memory bytes up, for instance).
 */
export function parseQuantity(input: string | number): number {
  if (typeof input === "number") {
    if (!Number.isFinite(input)) throw new QuantityError(String(input));
    return input;
  }
  const match = QUANTITY.exec(input);
  if (!match) throw new QuantityError(input);
  const [, mantissa = "", suffix, exponent] = match;
  let value: number;
  if (exponent !== undefined) value = Number(`${mantissa}e${exponent}`);
  else if (suffix !== undefined && suffix in BINARY_MULTIPLIER) {
    value = Number(mantissa) * (BINARY_MULTIPLIER[suffix] ?? 1);
  } else {
    // Scale in decimal notation rather than multiplying floats, so `300m` is exactly 0.3.
    value = Number(`${mantissa}e${DECIMAL_EXPONENT[suffix ?? ""] ?? 0}`);
  }
  if (!Number.isFinite(value)) throw new QuantityError(input);
  return value;
}

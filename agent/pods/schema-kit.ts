// Small zod building blocks the manifest schemas share.
import { z } from "zod";
import type { FormatCheck } from "./field-formats.js";
import { parseQuantity, isQuantityError } from "./quantity.js";

/** A string in a Kubernetes format; the check's words become the error. */
export function formatted(check: FormatCheck) {
  return z.string().superRefine((v, ctx) => {
    const problem = check(v);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
}

export function intInRange(min: number, max: number) {
  return z
    .number()
    .int()
    .refine((n) => n >= min && n <= max, `must be between ${min} and ${max}`);
}

export const nonNegativeInt = z
  .number()
  .int()
  .refine((n) => n >= 0, "must be greater than or equal to 0");

/** Linux user and group ids as Kubernetes bounds them. */
export const unixId = intInRange(0, 2147483647);

export const portNumber = intInRange(1, 65535);

/**
 * A resource quantity, kept as the string Kubernetes types carry (`cpu: 1` in YAML becomes
 * "1"). Negative values are refused, as the API server refuses them for resources.
 */
export const quantity = z
  .union([z.string(), z.number()], { error: "must be a quantity such as 500m, 2, 128Mi or 1Gi" })
  .transform((v, ctx): string => {
    try {
      if (parseQuantity(v) < 0) {
        ctx.addIssue({ code: "custom", message: "must be greater than or equal to 0" });
      }
    } catch (err) {
      if (!isQuantityError(err)) throw err;
      ctx.addIssue({ code: "custom", message: err.message });
    }
    return String(v);
  });

/** A map whose keys are checked too; a bad key is reported at `…[key]`. */
export function mapOf<V extends z.ZodType>(keyCheck: FormatCheck, value: V) {
  return z.record(z.string(), value).superRefine((map, ctx) => {
    for (const key of Object.keys(map)) {
      const problem = keyCheck(key);
      if (problem) ctx.addIssue({ code: "custom", message: `key ${problem}`, path: [key] });
    }
  });
}

// How the schema treats fields daemonlet does not honour. Fields that only mean something inside
// a Kubernetes cluster are accepted and reported, so real manifests apply unchanged; fields whose
// absence would change what runs are refused, never silently dropped (DESIGN.md §1).
import { z } from "zod";
import { formatFieldPath, type PathSegment } from "./field-path.js";

/** What an ignored field parses to, until `stripIgnored` removes it and records its path. */
export const IGNORED: unique symbol = Symbol("daemonlet.ignored");
type Ignored = typeof IGNORED;

/** A field accepted without effect; it is dropped from the parsed spec and listed as ignored. */
export function ignored() {
  return z
    .unknown()
    .transform((): Ignored => IGNORED)
    .optional();
}

const isNoOp = (v: unknown): boolean =>
  v === false ||
  (Array.isArray(v) && v.length === 0) ||
  (typeof v === "object" && v !== null && Object.keys(v).length === 0);

/**
 * A field we cannot honour yet. Setting it to a value that changes nothing (`hostIPC: false`,
 * `initContainers: []`, `podAffinity: {}`, or what `isHarmless` allows) is accepted and dropped.
 */
export function refused(reason: string, isHarmless: (v: unknown) => boolean = isNoOp) {
  return z
    .unknown()
    .superRefine((v, ctx) => {
      // Not continuable: rules that look at the rest of the object (`must set a volume type`)
      // would only repeat the problem.
      if (!isHarmless(v)) ctx.addIssue({ code: "custom", message: reason, continue: false });
    })
    .transform((): undefined => undefined)
    .optional();
}

/** The parsed type with ignored and refused fields gone. */
export type WithoutIgnored<T> = T extends Ignored
  ? never
  : T extends readonly (infer U)[]
    ? WithoutIgnored<U>[]
    : T extends object
      ? {
          [
            K in keyof T as [Exclude<T[K], undefined>] extends [Ignored] ? never : K
          ]: WithoutIgnored<T[K]>;
        }
      : T;

/**
 * Removes ignored fields (and the undefined left by refused no-op values) from a parsed
 * manifest, returning their paths, e.g. `spec.serviceAccountName`.
 */
export function stripIgnored<T>(parsed: T): { value: WithoutIgnored<T>; ignored: string[] } {
  const ignoredPaths: string[] = [];
  const walk = (value: unknown, path: readonly PathSegment[]): unknown => {
    if (Array.isArray(value)) return value.map((item, i) => walk(item, [...path, i]));
    if (typeof value !== "object" || value === null) return value;
    const kept: [string, unknown][] = [];
    for (const [key, item] of Object.entries(value)) {
      if (item === IGNORED) ignoredPaths.push(formatFieldPath([...path, key]));
      else if (item !== undefined) kept.push([key, walk(item, [...path, key])]);
    }
    // fromEntries defines properties, so a map key like `__proto__` stays a plain key.
    return Object.fromEntries(kept);
  };
  // The walk removes exactly the keys WithoutIgnored removes from the type.
  const value = walk(parsed, []) as WithoutIgnored<T>;
  return { value, ignored: ignoredPaths };
}

// The hash that labels every container with the spec it was created from. It is computed over a
// canonical JSON form we own, never over whatever a library serialises, so an agent upgrade
// does not change it and restart everything (DESIGN.md §6).
import { createHash } from "node:crypto";
import type { DefaultedContainer, DesiredPod } from "./desired-pod.js";

/**
 * Bump only as a deliberate decision: a new version changes every hash, and a changed hash
 * replaces the running container.
 */
const SPEC_HASH_VERSION = 1;

/**
 * JSON with object keys sorted at every level and undefined properties dropped; arrays keep
 * their order (an undefined element becomes null, as in JSON). Anything JSON cannot express
 * exactly (NaN, Infinity, bigint, functions, symbols, class instances) is refused, so two equal
 * specs can never serialise differently.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === "string" || typeof value === "boolean") {
    return JSON.stringify(value);
  }
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: cannot encode ${value}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map((item) => (item === undefined ? "null" : canonicalJson(item))).join(",")}]`;
  }
  if (typeof value === "object" && isPlainObject(value)) {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  throw new TypeError(`canonicalJson: cannot encode a ${describe(value)}`);
}

/**
 * First 16 hex characters of sha256 over the container and the pod fields that shape how it
 * runs. Volumes count only when this container mounts them, so adding a volume for a sidecar
 * does not restart its neighbours. Booleans that default to false are normalised, so writing
 * `hostNetwork: false` changes nothing.
 */
export function specHash(pod: DesiredPod, container: DefaultedContainer): string {
  let byContainer = hashes.get(pod);
  if (!byContainer) hashes.set(pod, (byContainer = new WeakMap()));
  let hash = byContainer.get(container);
  if (hash === undefined) byContainer.set(container, (hash = computeSpecHash(pod, container)));
  return hash;
}

/**
 * Each pod worker's sync hashes its containers again (every 10 s, and on every change): desired
 * pods are never modified once parsed, so a hash is computed once per pod and container object.
 */
const hashes = new WeakMap<DesiredPod, WeakMap<DefaultedContainer, string>>();

function computeSpecHash(pod: DesiredPod, container: DefaultedContainer): string {
  const mounted = new Set((container.volumeMounts ?? []).map((m) => m.name));
  const form = {
    v: SPEC_HASH_VERSION,
    container,
    pod: {
      hostNetwork: pod.spec.hostNetwork === true,
      hostPID: pod.spec.hostPID === true,
      securityContext: pod.spec.securityContext,
      volumes: (pod.spec.volumes ?? []).filter((v) => mounted.has(v.name)),
      restartPolicy: pod.spec.restartPolicy,
    },
  };
  return createHash("sha256").update(canonicalJson(form)).digest("hex").slice(0, 16);
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function describe(value: unknown): string {
  if (typeof value !== "object" || value === null) return typeof value;
  return value.constructor?.name ?? "object";
}

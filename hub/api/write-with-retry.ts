// Read-modify-write against the store's compare-and-swap: build the new object from the stored
// one, write it at the version read, and start over when another writer got there first. The
// SQLite store runs each call to completion, so a retry is rare there; a distributed store
// behind the same interface makes it routine.
import {
  isAlreadyExists,
  isConflict,
  type Kind,
  type KubeObject,
  type Store,
} from "../store/index.js";

/** Enough for any realistic contention; past it, the caller gets the Conflict (ABORTED). */
const MAX_ATTEMPTS = 5;

export type WriteOutcome = "created" | "updated" | "unchanged";

/**
 * `build` gets the stored object (undefined when there is none) and returns the whole object
 * to store; it may throw to refuse, and runs again on every retry. Status is the store's to
 * keep: update never writes it. An update that changes nothing is "unchanged" (the store keeps
 * the version).
 */
export function writeWithRetry<T extends KubeObject>(
  store: Store,
  ref: { kind: Kind; namespace: string; name: string },
  build: (stored: T | undefined) => T,
): { object: T; outcome: WriteOutcome } {
  for (let attempt = 1; ; attempt++) {
    const stored = store.get<T>(ref.kind, ref.namespace, ref.name);
    const next = build(stored);
    try {
      if (stored === undefined) return { object: store.create(next), outcome: "created" };
      const version = stored.metadata.resourceVersion;
      const written = store.update({
        ...next,
        metadata: { ...next.metadata, resourceVersion: version },
      });
      const outcome = written.metadata.resourceVersion === version ? "unchanged" : "updated";
      return { object: written, outcome };
    } catch (error) {
      // Created or changed by someone else since the read: read again.
      if (attempt < MAX_ATTEMPTS && (isConflict(error) || isAlreadyExists(error))) continue;
      throw error;
    }
  }
}

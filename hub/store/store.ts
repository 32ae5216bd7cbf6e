// The store's contract, kept small on purpose: anything that offers compare-and-swap writes, a
// global ordered revision, list and watch (SQLite here; etcd, which Kubernetes runs on, later)
// can stand behind it without the controllers noticing.
import type { Kind, KubeObject } from "./object-meta.js";

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED";

/**
 * One committed change. For DELETED, `object` is the last stored state carrying the deletion's
 * resourceVersion, as Kubernetes reports it.
 */
export interface WatchEvent<T> {
  type: WatchEventType;
  object: T;
  resourceVersion: string;
}

export interface ListOptions {
  /** Omitted or "": all namespaces (NamespaceAll). Ignored for cluster-scoped kinds. */
  namespace?: string;
  /** Equality on every pair (a selector's `matchLabels`). */
  labelSelector?: Record<string, string>;
  /** Pods bound to this node (`spec.nodeName`), answered from an index; other kinds match none. */
  nodeName?: string;
}

export interface DeleteOptions {
  /** Refuse (Conflict) unless the stored object has this uid: not a same-named successor. */
  uid?: string;
  /** Refuse (Conflict) unless the stored object is still at this version. */
  resourceVersion?: string;
}

export interface WatchOptions {
  /**
   * Replay every change after this resourceVersion before the live ones. Throws
   * ResourceExpiredError when the store no longer holds that history.
   */
  sinceResourceVersion?: string;
}

export interface Store {
  /**
   * Stores a new object and returns it as stored: uid, resourceVersion, generation 1 and
   * creationTimestamp assigned; namespace "" for cluster-scoped kinds, "default" when omitted.
   * `status` is kept as given (an agent registers its Node with its status). AlreadyExists.
   */
  create<T extends KubeObject>(obj: T): T;
  /**
   * Replaces the object if `metadata.resourceVersion` is still the stored one (Conflict if not;
   * Invalid if missing). `status` stays as stored; generation is bumped when `spec` changed.
   * uid and creationTimestamp cannot be changed. An update that changes nothing writes nothing
   * and returns the stored object, resourceVersion unchanged. NotFound.
   */
  update<T extends KubeObject>(obj: T): T;
  /** Like update, but replaces only `status` and never bumps generation. */
  updateStatus<T extends KubeObject>(obj: T): T;
  /**
   * Replaces the stored object's `status` with what `status` makes of it, in one read (as the
   * API server's GuaranteedUpdate does, the read and the write cannot be interleaved, so there is
   * no resourceVersion to compare). `status` returns undefined to write nothing. The store keeps
   * no reference to what it returns. True if the object exists and a status was written or was
   * already as given.
   */
  guaranteedUpdateStatus<T extends KubeObject>(
    kind: Kind,
    namespace: string,
    name: string,
    status: (stored: T) => unknown,
  ): boolean;
  /** Removes the object and returns its last state, or undefined if there was none. */
  delete(kind: Kind, namespace: string, name: string, opts?: DeleteOptions): KubeObject | undefined;
  get<T extends KubeObject>(kind: Kind, namespace: string, name: string): T | undefined;
  /** Ordered by namespace, then name; `resourceVersion` is the store's revision at the read. */
  list<T extends KubeObject>(
    kind: Kind,
    opts?: ListOptions,
  ): { items: T[]; resourceVersion: string };
  /**
   * Calls `listener` for each committed change to `kind`, in resourceVersion order, after the
   * write's transaction commits. Returns the function that stops the watch. Listeners share one
   * copy of each object, which they must not change (caches keep it as it is); they may write
   * to the store.
   */
  watch<T extends KubeObject>(
    kind: Kind,
    listener: (e: WatchEvent<T>) => void,
    opts?: WatchOptions,
  ): () => void;
  /**
   * Runs `fn` (synchronous) so that its writes commit together or not at all; watchers see the
   * batch only after it commits and nothing of it if `fn` throws. Transactions nest.
   */
  transaction<R>(fn: () => R): R;
  close(): void;
}

// The store in one SQLite file, so that a hub killed at any instant (SIGKILL, OOM) restarts with
// every write it acknowledged. Calls are synchronous: better-sqlite3 runs on the caller's thread,
// so a controller's read-modify-write cannot interleave with another's.
import Database from "better-sqlite3";
import { randomUUID } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import {
  AlreadyExistsError,
  ConflictError,
  InvalidError,
  NotFoundError,
  StoreUnavailableError,
} from "./errors.js";
import { labelSelectorMatches } from "./label-selector.js";
import {
  effectiveNamespace,
  isKind,
  kindInfo,
  rfc3339Seconds,
  type Kind,
  type KubeObject,
} from "./object-meta.js";
import { migrate, prepareStatements, type Row, type Statements } from "./schema.js";
import type { DeleteOptions, ListOptions, Store, WatchEvent, WatchOptions } from "./store.js";
import { WatchBroadcaster, type CommittedChange } from "./watch-broadcaster.js";

export const DATABASE_FILE = "daemonlet.db";
/** Kubernetes's default `--event-ttl`. */
const EVENT_TTL_MS = 60 * 60 * 1000;
/** Expired events are looked for at most this often, on an event write. */
const EVENT_PRUNE_INTERVAL_MS = 60 * 1000;
/** Enough for a reconnecting watcher to catch up after seconds of churn on a large fleet. */
const WATCH_HISTORY = 10_000;

export interface SqliteStoreOptions {
  /** How many recent changes `watch` can replay; older resume points get ResourceExpired. */
  watchHistory?: number;
  /** How long an event is kept after its last write. */
  eventTtlMs?: number;
  /** The clock behind creationTimestamp and event expiry. */
  now?: () => Date;
  /**
   * Told when a watch listener throws. By default the error is rethrown from a microtask, an
   * uncaught exception: a listener bug should be loud, but must not fail a committed write.
   */
  onListenerError?: (error: unknown) => void;
}

export interface SqliteStore extends Store {
  /** Deletes events last written before `olderThan` (watchers see DELETED); returns how many. */
  pruneEvents(olderThan: Date): number;
}

export function openSqliteStore(dir: string, options: SqliteStoreOptions = {}): SqliteStore {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return new SqliteStoreImpl(join(dir, DATABASE_FILE), options);
}

class SqliteStoreImpl implements SqliteStore {
  private readonly db: Database.Database;
  private readonly statements: Statements;
  private readonly broadcaster: WatchBroadcaster;
  private readonly now: () => Date;
  private readonly eventTtlMs: number;
  private readonly listStatements = new Map<string, Database.Statement<unknown[], Row>>();
  /** Changes of the open transaction, published when the outermost one commits. */
  private pending: CommittedChange[] = [];
  private depth = 0;
  private lastEventPrune = 0;

  constructor(path: string, options: SqliteStoreOptions) {
    this.now = options.now ?? (() => new Date());
    this.eventTtlMs = options.eventTtlMs ?? EVENT_TTL_MS;
    // No busy wait: the only contender is another process holding the lock (below), and it
    // holds it for as long as it lives.
    this.db = new Database(path, { timeout: 0 });
    try {
      // One process owns the file for its whole life. Watchers live in that process, so a
      // second hub writing here would change objects without anyone hearing of it.
      this.db.pragma("locking_mode = EXCLUSIVE");
      // WAL with synchronous=NORMAL: a commit is complete once its frames are written to the
      // WAL file, which is in the kernel's page cache when the process dies, so SIGKILL, an OOM
      // kill or a crash lose nothing acknowledged. Only a power cut or kernel crash can lose the
      // last commits (never corrupt the file); FULL would cover that too, at the cost of an
      // fsync per commit. After such a loss resourceVersions may be issued
      // again, which watchers resuming from a newer one are told (ResourceExpired).
      this.db.pragma("journal_mode = WAL");
      this.db.pragma("synchronous = NORMAL");
      migrate(this.db);
      this.statements = prepareStatements(this.db);
    } catch (error) {
      this.db.close();
      if (error instanceof Database.SqliteError && error.code === "SQLITE_BUSY") {
        throw new Error(`${path} is in use by another hub process`, { cause: error });
      }
      throw error;
    }
    this.broadcaster = new WatchBroadcaster(
      options.watchHistory ?? WATCH_HISTORY,
      this.currentRevision(),
      options.onListenerError ??
        ((error) =>
          queueMicrotask(() => {
            throw error;
          })),
    );
  }

  create<T extends KubeObject>(obj: T): T {
    const kind = this.kindOf(obj);
    const name = nameOf(obj);
    const namespace = effectiveNamespace(kind, obj.metadata.namespace);
    return this.writeStep(kind, () => {
      if (this.load(kind, namespace, name)) throw new AlreadyExistsError(kind, namespace, name);
      const rv = this.nextRevision();
      const uid = randomUUID();
      // Shallow: the caller's object is only read, to serialise it once; what is returned is
      // parsed from that JSON, so the caller's object stays the caller's.
      const stored = {
        ...obj,
        metadata: {
          ...obj.metadata,
          name,
          // Cluster-scoped objects carry no namespace at all, as Kubernetes serves them.
          namespace: namespace || undefined,
          uid,
          resourceVersion: String(rv),
          generation: 1,
          creationTimestamp: rfc3339Seconds(this.now()),
        },
      };
      const json = JSON.stringify(stored);
      this.statements.insert.run(
        kind,
        namespace,
        name,
        uid,
        rv,
        nodeNameOf(kind, stored),
        this.nowMs(),
        json,
      );
      this.pending.push({ type: "ADDED", kind, resourceVersion: rv, json });
      if (kind === "Event") this.pruneEventsNowAndThen();
      return JSON.parse(json) as T;
    });
  }

  update<T extends KubeObject>(obj: T): T {
    return this.replace(obj, (stored, caller) => {
      const body = jsonCopy(caller);
      const specChanged = !sameContent(stored.spec ?? null, body.spec ?? null);
      const generation = (stored.metadata.generation ?? 1) + (specChanged ? 1 : 0);
      return {
        ...body,
        metadata: {
          ...body.metadata,
          uid: stored.metadata.uid,
          creationTimestamp: stored.metadata.creationTimestamp,
          generation,
        },
        // Status belongs to updateStatus; what the caller sent is an echo of an older read.
        status: stored.status,
      };
    });
  }

  updateStatus<T extends KubeObject>(obj: T): T {
    return this.replace(obj, (stored, caller) => ({
      ...stored,
      status: caller.status === undefined ? undefined : jsonCopy(caller.status),
    }));
  }

  guaranteedUpdateStatus<T extends KubeObject>(
    kind: Kind,
    namespace: string,
    name: string,
    status: (stored: T) => unknown,
  ): boolean {
    const ns = effectiveNamespace(kind, namespace);
    return this.writeStep(kind, () => {
      const stored = this.load<T>(kind, ns, name);
      if (!stored) return false;
      const next = status(stored);
      if (next === undefined) return false;
      // The caller's status goes into the JSON only, never into an object kept or returned.
      this.write(kind, ns, name, stored, { ...stored, status: next });
      return true;
    });
  }

  delete(kind: Kind, namespace: string, name: string, opts: DeleteOptions = {}) {
    const ns = effectiveNamespace(kind, namespace);
    return this.writeStep(kind, () => {
      const stored = this.load(kind, ns, name);
      if (!stored) return undefined;
      const { uid, resourceVersion } = stored.metadata;
      if (opts.uid !== undefined && opts.uid !== uid) {
        const detail = `Precondition failed: UID in precondition: ${opts.uid}, UID in object meta: ${uid}`;
        throw new ConflictError(kind, ns, name, detail);
      }
      if (opts.resourceVersion !== undefined && opts.resourceVersion !== resourceVersion) {
        const detail = `Precondition failed: ResourceVersion in precondition: ${opts.resourceVersion}, ResourceVersion in object meta: ${resourceVersion}`;
        throw new ConflictError(kind, ns, name, detail);
      }
      const rv = this.nextRevision();
      this.statements.remove.run(kind, ns, name);
      // Kubernetes reports a deletion with the deletion's own resourceVersion.
      const last = { ...stored, metadata: { ...stored.metadata, resourceVersion: String(rv) } };
      const json = JSON.stringify(last);
      this.pending.push({ type: "DELETED", kind, resourceVersion: rv, json });
      return last;
    });
  }

  get<T extends KubeObject>(kind: Kind, namespace: string, name: string): T | undefined {
    return this.load(kind, effectiveNamespace(kind, namespace), name);
  }

  list<T extends KubeObject>(kind: Kind, opts: ListOptions = {}) {
    const where = ["kind = ?"];
    const params: unknown[] = [kind];
    if (opts.namespace && kindInfo(kind).namespaced) {
      where.push("namespace = ?");
      params.push(opts.namespace);
    }
    if (opts.nodeName !== undefined) {
      where.push("node_name = ?");
      params.push(opts.nodeName);
    }
    const sql = `SELECT json FROM objects WHERE ${where.join(" AND ")} ORDER BY namespace, name`;
    let statement = this.listStatements.get(sql);
    if (!statement) {
      statement = this.db.prepare<unknown[], Row>(sql);
      this.listStatements.set(sql, statement);
    }
    // Both reads happen before any other write can run: the store is single-threaded.
    const resourceVersion = String(this.currentRevision());
    const matchLabels = opts.labelSelector;
    const items: T[] = statement
      .all(...params)
      .map((row) => JSON.parse(row.json))
      .filter((o: T) => !matchLabels || labelSelectorMatches({ matchLabels }, o.metadata.labels));
    return { items, resourceVersion };
  }

  watch<T extends KubeObject>(
    kind: Kind,
    listener: (e: WatchEvent<T>) => void,
    opts: WatchOptions = {},
  ): () => void {
    return this.broadcaster.subscribe(kind, listener, opts.sinceResourceVersion);
  }

  transaction<R>(fn: () => R): R {
    return this.inTransaction(fn);
  }

  pruneEvents(olderThan: Date): number {
    return this.inTransaction(() => {
      const expired = this.statements.expiredEvents.all(olderThan.getTime());
      for (const { namespace, name } of expired) this.delete("Event", namespace, name);
      return expired.length;
    });
  }

  close(): void {
    this.broadcaster.close();
    this.db.close();
  }

  /**
   * The compare-and-swap shared by update and updateStatus; `merge` builds the new state from
   * the stored one and the caller's object, copying what it takes of the caller's (a status
   * write copies the status, not the whole object).
   */
  private replace<T extends KubeObject>(obj: T, merge: (stored: T, caller: T) => T): T {
    const kind = this.kindOf(obj);
    const name = nameOf(obj);
    const namespace = effectiveNamespace(kind, obj.metadata.namespace);
    const expected = obj.metadata.resourceVersion;
    if (!expected) {
      throw new InvalidError(
        `${kindInfo(kind).resource} "${name}": metadata.resourceVersion must be specified for an update`,
      );
    }
    return this.writeStep(kind, () => {
      const stored = this.load<T>(kind, namespace, name);
      if (!stored) throw new NotFoundError(kind, namespace, name);
      if (stored.metadata.resourceVersion !== expected) {
        throw new ConflictError(kind, namespace, name);
      }
      return this.write(kind, namespace, name, stored, merge(stored, obj));
    });
  }

  /** Stores `merged` over `stored`, unless it changes nothing; returns what is stored after. */
  private write<T extends KubeObject>(
    kind: Kind,
    namespace: string,
    name: string,
    stored: T,
    merged: T,
  ): T {
    const metadata = { ...merged.metadata, name, namespace: namespace || undefined };
    // An update that changes nothing is not a change: no new version, nothing to watch, so
    // a controller rewriting the same status does not wake everyone up.
    if (sameContent({ ...merged, metadata }, stored)) return stored;
    const rv = this.nextRevision();
    const next = { ...merged, metadata: { ...metadata, resourceVersion: String(rv) } };
    const json = JSON.stringify(next);
    this.statements.update.run(
      rv,
      nodeNameOf(kind, next),
      this.nowMs(),
      json,
      kind,
      namespace,
      name,
    );
    this.pending.push({ type: "MODIFIED", kind, resourceVersion: rv, json });
    if (kind === "Event") this.pruneEventsNowAndThen();
    return next;
  }

  /**
   * One write of the store's own (create, update, delete) inside a caller's transaction, without
   * a savepoint of its own (ten thousand pod writes in one sync were ten thousand savepoints).
   * A failed statement is undone by SQLite itself, and the object's row is written last; what a
   * failure can leave is the revision counter's bump, a gap in resourceVersions that nothing
   * relies on. An error that rolls the whole transaction back (disk full, I/O) fails the caller's
   * transaction anyway. An event write may prune expired events after it, which a savepoint
   * keeps together with it.
   */
  private writeStep<R>(kind: Kind, fn: () => R): R {
    if (this.depth === 0 || kind === "Event") return this.inTransaction(fn);
    const mark = this.pending.length;
    try {
      return fn();
    } catch (error) {
      this.pending.length = mark;
      throw this.cannotWrite(error) ?? error;
    }
  }

  /**
   * Runs `fn` in a SQLite transaction (a savepoint when nested) and publishes its changes once
   * the outermost one has committed; a throw discards the changes of the level it leaves.
   */
  private inTransaction<R>(fn: () => R): R {
    const mark = this.pending.length;
    this.depth++;
    let result: R;
    try {
      result = this.db.transaction(() => {
        const value = fn();
        // better-sqlite3 would commit at the first await, with the rest running outside.
        if (value instanceof Promise) {
          // Its own failure, if any, would only hide this one as an unhandled rejection.
          value.catch(() => undefined);
          throw new TypeError("store transactions must be synchronous");
        }
        return value;
      })();
    } catch (error) {
      this.pending.length = mark;
      throw this.cannotWrite(error) ?? error;
    } finally {
      this.depth--;
    }
    if (this.depth === 0) {
      const committed = this.pending;
      this.pending = [];
      this.broadcaster.publish(committed);
    }
    return result;
  }

  /** SQLite's "the file cannot take writes" failures, said as what the operator must fix. */
  private cannotWrite(error: unknown): StoreUnavailableError | undefined {
    if (!(error instanceof Database.SqliteError)) return undefined;
    const { code } = error;
    if (code !== "SQLITE_FULL" && !/^SQLITE_(READONLY|IOERR|CANTOPEN)/.test(code)) return undefined;
    const fix =
      code === "SQLITE_FULL" ? "free space on its disk" : "make it writable and check the disk";
    return new StoreUnavailableError(
      `the hub cannot write to its store ${this.db.name}: ${error.message}; ${fix}, then retry`,
      { cause: error },
    );
  }

  private load<T extends KubeObject>(kind: Kind, namespace: string, name: string): T | undefined {
    const row = this.statements.select.get(kind, namespace, name);
    return row && JSON.parse(row.json);
  }

  private nextRevision(): number {
    const row = this.statements.nextRevision.get();
    if (!row) throw new Error("the revision counter row is missing");
    return row.value;
  }

  private currentRevision(): number {
    const row = this.statements.currentRevision.get();
    if (!row) throw new Error("the revision counter row is missing");
    return row.value;
  }

  /** Events expire by age; checked on event writes, which are what makes the table grow. */
  private pruneEventsNowAndThen(): void {
    const now = this.nowMs();
    if (now - this.lastEventPrune < EVENT_PRUNE_INTERVAL_MS) return;
    this.lastEventPrune = now;
    this.pruneEvents(new Date(now - this.eventTtlMs));
  }

  private nowMs(): number {
    return this.now().getTime();
  }

  private kindOf(obj: KubeObject): Kind {
    if (!isKind(obj.kind)) throw new InvalidError(`unknown kind ${JSON.stringify(obj.kind)}`);
    const { apiVersion } = kindInfo(obj.kind);
    if (obj.apiVersion !== apiVersion) {
      throw new InvalidError(
        `${obj.kind} must have apiVersion ${apiVersion}, not ${obj.apiVersion}`,
      );
    }
    return obj.kind;
  }
}

/**
 * A deep copy as JSON sees it. The store keeps what JSON keeps (undefined and functions go,
 * Dates become strings), and the caller's object stays the caller's.
 */
function jsonCopy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value));
}

/**
 * Whether two JSON values are equal as canonicalJson sees them (key order aside, an undefined
 * property the same as a missing one), without serialising either: most writes differ early.
 */
function sameContent(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    // An undefined element is JSON's null.
    return a.every((item, i) => sameContent(item ?? null, b[i] ?? null));
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const defined = (o: Record<string, unknown>) => Object.keys(o).filter((k) => o[k] !== undefined);
  const keys = defined(x);
  if (keys.length !== defined(y).length) return false;
  return keys.every((k) => Object.hasOwn(y, k) && sameContent(x[k], y[k]));
}

function nameOf(obj: KubeObject): string {
  const name = obj.metadata?.name;
  if (!name) throw new InvalidError(`${obj.kind}: metadata.name is required`);
  return name;
}

/** The indexed node of a pod; other kinds are never listed by node. */
function nodeNameOf(kind: Kind, obj: KubeObject): string | null {
  if (kind !== "Pod") return null;
  const spec = obj.spec;
  if (typeof spec !== "object" || spec === null || !("nodeName" in spec)) return null;
  return typeof spec.nodeName === "string" && spec.nodeName !== "" ? spec.nodeName : null;
}

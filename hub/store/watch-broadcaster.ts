// Delivers committed changes to in-process watchers, in resourceVersion order, and remembers the
// most recent ones so a watcher can resume from a resourceVersion instead of relisting.
//
// Changes are published only after their transaction commits. Delivery is synchronous, and a
// listener may write to the store: the changes it causes are queued behind the ones still being
// delivered, so every watcher sees one global order however deep the reentry goes.
import { InvalidError, ResourceExpiredError } from "./errors.js";
import type { Kind, KubeObject } from "./object-meta.js";
import type { WatchEvent, WatchEventType } from "./store.js";

/**
 * A committed change. The object stays serialised (history holds strings, not object graphs);
 * it is parsed once per delivery, and that one copy is shared by every watcher.
 */
export interface CommittedChange {
  type: WatchEventType;
  kind: Kind;
  resourceVersion: number;
  json: string;
}

interface Watcher {
  kind: Kind;
  /** Changes at or below this version were already seen (listed or replayed). */
  afterVersion: number;
  deliver: (change: CommittedChange, object: unknown) => void;
}

export class WatchBroadcaster {
  private readonly watchers = new Set<Watcher>();
  /** Ring buffer of the last `capacity` delivered changes, oldest at `oldest`. */
  private readonly history: CommittedChange[] = [];
  private oldest = 0;
  /** Every change above this version is in `history` or `queue`; older ones are forgotten. */
  private forgottenUpTo: number;
  private latestCommitted: number;
  private queue: CommittedChange[] = [];
  private delivering = false;

  constructor(
    private readonly capacity: number,
    currentVersion: number,
    private readonly onListenerError: (error: unknown) => void,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`watch history must hold at least one change, not ${capacity}`);
    }
    // History starts empty at open: a resume from before this process began cannot be served.
    this.forgottenUpTo = currentVersion;
    this.latestCommitted = currentVersion;
  }

  subscribe<T extends KubeObject>(
    kind: Kind,
    listener: (e: WatchEvent<T>) => void,
    sinceResourceVersion?: string,
  ): () => void {
    const watcher: Watcher = {
      kind,
      afterVersion: this.latestCommitted,
      deliver: (change, object) => {
        listener({
          type: change.type,
          object: object as T,
          resourceVersion: String(change.resourceVersion),
        });
      },
    };
    // Copied before anything is delivered: a listener writing during the replay changes history.
    const backlog: CommittedChange[] = [];
    if (sinceResourceVersion !== undefined) {
      watcher.afterVersion = this.checkResumable(sinceResourceVersion);
      backlog.push(...this.delivered());
    }
    this.watchers.add(watcher);
    if (backlog.length > 0) this.replay(watcher, backlog);
    return () => {
      this.watchers.delete(watcher);
    };
  }

  publish(changes: readonly CommittedChange[]): void {
    const last = changes.at(-1);
    if (last === undefined) return;
    this.latestCommitted = last.resourceVersion;
    this.queue.push(...changes);
    this.drain();
  }

  close(): void {
    this.watchers.clear();
  }

  private drain(): void {
    if (this.delivering) return;
    this.delivering = true;
    try {
      // The queue may grow while we walk it, when a listener writes.
      for (let i = 0; i < this.queue.length; i++) {
        const change = this.queue[i]!;
        this.remember(change);
        const parsed = parseOnce(change);
        for (const watcher of [...this.watchers]) {
          // A watcher stopped by an earlier listener of this same change must not hear it.
          if (this.watchers.has(watcher)) this.deliverTo(watcher, change, parsed);
        }
      }
    } finally {
      this.queue = [];
      this.delivering = false;
    }
  }

  /**
   * Hands a new watcher the history it asked for. Writes made meanwhile are queued rather than
   * delivered, so they reach it (and everyone) after the replay, in order. Changes still queued
   * when the watch began reach it through the queue; history only holds delivered ones.
   */
  private replay(watcher: Watcher, backlog: readonly CommittedChange[]): void {
    const wasDelivering = this.delivering;
    this.delivering = true;
    try {
      for (const change of backlog) {
        if (this.watchers.has(watcher)) this.deliverTo(watcher, change, parseOnce(change));
      }
    } finally {
      this.delivering = wasDelivering;
    }
    this.drain();
  }

  private deliverTo(watcher: Watcher, change: CommittedChange, parsed: () => unknown): void {
    if (change.kind !== watcher.kind || change.resourceVersion <= watcher.afterVersion) return;
    watcher.afterVersion = change.resourceVersion;
    try {
      watcher.deliver(change, parsed());
    } catch (error) {
      // The write is committed; a failing listener must neither undo it nor starve the others.
      this.onListenerError(error);
    }
  }

  private checkResumable(since: string): number {
    if (!/^\d+$/.test(since)) {
      throw new InvalidError(`invalid resource version: ${JSON.stringify(since)}`);
    }
    const version = Number(since);
    if (version < this.forgottenUpTo) {
      throw new ResourceExpiredError(
        `too old resource version: ${version} (${this.forgottenUpTo + 1})`,
      );
    }
    // A version the store never reached means the caller saw another store's history (or one
    // lost to a power cut): only a fresh list gives it a consistent starting point.
    if (version > this.latestCommitted) {
      throw new ResourceExpiredError(
        `resource version ${version} is newer than the store's (${this.latestCommitted})`,
      );
    }
    return version;
  }

  private remember(change: CommittedChange): void {
    if (this.history.length < this.capacity) {
      this.history.push(change);
      return;
    }
    this.forgottenUpTo = this.history[this.oldest]!.resourceVersion;
    this.history[this.oldest] = change;
    this.oldest = (this.oldest + 1) % this.capacity;
  }

  private *delivered(): Generator<CommittedChange> {
    for (let i = 0; i < this.history.length; i++) {
      yield this.history[(this.oldest + i) % this.history.length]!;
    }
  }
}

/** The change's object, parsed when a watcher first needs it and then shared. */
function parseOnce(change: CommittedChange): () => unknown {
  let object: unknown;
  return () => (object ??= JSON.parse(change.json));
}

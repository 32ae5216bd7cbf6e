// An in-memory copy of every object of one kind, kept current by a watch (Kubernetes's
// informer): a controller that reads all nodes and pods on every sync reads them from here
// instead of parsing the whole table again. Watch delivery is synchronous after each commit, so
// the copy already holds a controller's own writes when the write returns.
import type { Kind, KubeObject, Store, WatchEvent } from "../store/index.js";

export class ObjectCache<T extends KubeObject> {
  private readonly objects = new Map<string, T>();
  /** index key → object key → object */
  private readonly index = new Map<string, Map<string, T>>();
  private unwatch?: () => void;

  /**
   * @param indexKey files each object under one key (or none), for `indexed`.
   * @param onChange told of every change after the copy has taken it.
   */
  constructor(
    private readonly store: Store,
    private readonly kind: Kind,
    private readonly indexKey: (obj: T) => string | undefined = () => undefined,
    private readonly onChange: (e: WatchEvent<T>) => void = () => {},
  ) {}

  /** Lists once, then follows every change from that list's version on. */
  start(): void {
    const { items, resourceVersion } = this.store.list<T>(this.kind);
    for (const obj of items) this.put(obj);
    this.unwatch = this.store.watch<T>(
      this.kind,
      (e) => {
        if (e.type === "DELETED") this.remove(e.object);
        else this.put(e.object);
        this.onChange(e);
      },
      { sinceResourceVersion: resourceVersion },
    );
  }

  stop(): void {
    this.unwatch?.();
    this.objects.clear();
    this.index.clear();
  }

  /** Every object; shared with the cache, so callers must not change them. */
  list(): T[] {
    return [...this.objects.values()];
  }

  /** The keys some object is filed under. */
  indexKeys(): string[] {
    return [...this.index.keys()];
  }

  /** The objects filed under `key`. */
  indexed(key: string): T[] {
    return [...(this.index.get(key)?.values() ?? [])];
  }

  private put(obj: T): void {
    const key = objectKey(obj);
    const previous = this.objects.get(key);
    if (previous) this.unindex(key, previous);
    this.objects.set(key, obj);
    const at = this.indexKey(obj);
    if (at === undefined) return;
    let bucket = this.index.get(at);
    if (!bucket) this.index.set(at, (bucket = new Map()));
    bucket.set(key, obj);
  }

  private remove(obj: T): void {
    const key = objectKey(obj);
    const previous = this.objects.get(key);
    if (!previous) return;
    this.unindex(key, previous);
    this.objects.delete(key);
  }

  private unindex(key: string, obj: T): void {
    const at = this.indexKey(obj);
    if (at === undefined) return;
    const bucket = this.index.get(at);
    bucket?.delete(key);
    if (bucket?.size === 0) this.index.delete(at);
  }
}

function objectKey(obj: KubeObject): string {
  return `${obj.metadata.namespace ?? ""}/${obj.metadata.name ?? ""}`;
}

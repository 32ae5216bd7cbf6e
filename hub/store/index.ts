// The hub's store: Kubernetes-shaped objects with compare-and-swap writes, list and watch.
export * from "./errors.js";
export { labelSelectorMatches } from "./label-selector.js";
export * from "./object-meta.js";
export { openSqliteStore, DATABASE_FILE } from "./sqlite-store.js";
export type { SqliteStore, SqliteStoreOptions } from "./sqlite-store.js";
export type * from "./store.js";

// The database layout, the statements over it, and how a file written by an older hub is
// brought up to date. Each migration runs once, in order, inside one transaction with the bump
// of `user_version`, so a hub killed halfway through an upgrade finds the file as it was and
// simply runs it again.
import type { Database } from "better-sqlite3";

const MIGRATIONS: readonly string[] = [
  // 1. One row per object, its JSON as written. `revision` holds the global resourceVersion
  //    counter: a separate row, because deletes must not let it go back. The partial indexes
  //    answer "pods on node X" (what the agent gateway sends a node) and "events older than T"
  //    (expiry) without scanning, and cost nothing on writes of other kinds. The expiry index
  //    leads with kind, though it is constant, because SQLite's planner otherwise prefers the
  //    primary key and reads every event.
  `
  CREATE TABLE objects (
    kind TEXT NOT NULL,
    namespace TEXT NOT NULL,
    name TEXT NOT NULL,
    uid TEXT NOT NULL,
    resource_version INTEGER NOT NULL,
    node_name TEXT,
    written_at INTEGER NOT NULL,
    json TEXT NOT NULL,
    PRIMARY KEY (kind, namespace, name)
  );
  CREATE INDEX objects_by_node ON objects (node_name, namespace, name) WHERE node_name IS NOT NULL;
  CREATE INDEX events_by_age ON objects (kind, written_at) WHERE kind = 'Event';
  CREATE TABLE revision (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL);
  INSERT INTO revision (id, value) VALUES (1, 0);
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export function migrate(db: Database): void {
  db.transaction(() => {
    const version = db.pragma("user_version", { simple: true });
    if (typeof version !== "number") throw new Error(`unexpected user_version ${String(version)}`);
    if (version > SCHEMA_VERSION) {
      // Rolling back the hub must not let it misread a layout it does not know.
      throw new Error(
        `${db.name} has schema version ${version}; this hub understands up to ${SCHEMA_VERSION}`,
      );
    }
    for (const sql of MIGRATIONS.slice(version)) db.exec(sql);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  })();
}

/** A stored object as the statements return it: the JSON it was written as. */
export interface Row {
  json: string;
}

export type Statements = ReturnType<typeof prepareStatements>;

/** The statements every write uses, compiled once per connection. */
export function prepareStatements(db: Database) {
  return {
    select: db.prepare<[string, string, string], Row>(
      "SELECT json FROM objects WHERE kind = ? AND namespace = ? AND name = ?",
    ),
    insert: db.prepare<[string, string, string, string, number, string | null, number, string]>(
      `INSERT INTO objects (kind, namespace, name, uid, resource_version, node_name, written_at, json)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    update: db.prepare<[number, string | null, number, string, string, string, string]>(
      `UPDATE objects SET resource_version = ?, node_name = ?, written_at = ?, json = ?
       WHERE kind = ? AND namespace = ? AND name = ?`,
    ),
    remove: db.prepare<[string, string, string]>(
      "DELETE FROM objects WHERE kind = ? AND namespace = ? AND name = ?",
    ),
    expiredEvents: db.prepare<[number], { namespace: string; name: string }>(
      "SELECT namespace, name FROM objects WHERE kind = 'Event' AND written_at < ?",
    ),
    nextRevision: db.prepare<[], { value: number }>(
      "UPDATE revision SET value = value + 1 RETURNING value",
    ),
    currentRevision: db.prepare<[], { value: number }>("SELECT value FROM revision"),
  };
}

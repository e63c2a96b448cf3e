/**
 * Schema of the local SQLite store file (events, snapshots, checkpoints, idempotency records),
 * applied in order inside one BEGIN IMMEDIATE transaction so that several processes opening the
 * same new file migrate it exactly once. The version lives in its own table rather than
 * PRAGMA user_version, so another component sharing the file cannot clash with it.
 */
import type { Database } from 'better-sqlite3';

const MIGRATIONS: readonly string[] = [
  // 1: the event log. `position` is the rowid: assigned inside the writer's transaction, and
  // writers are serialized (BEGIN IMMEDIATE), so commit order == position order. Rows are never
  // deleted, so max(rowid)+1 is strictly increasing without AUTOINCREMENT's extra write per append.
  `CREATE TABLE events (
     position       INTEGER PRIMARY KEY,
     stream_id      TEXT    NOT NULL,
     version        INTEGER NOT NULL,
     event_id       TEXT    NOT NULL,
     type           TEXT    NOT NULL,
     schema_version INTEGER NOT NULL,
     data           TEXT    NOT NULL,
     metadata       TEXT    NOT NULL,
     recorded_at    TEXT    NOT NULL
   );
   CREATE UNIQUE INDEX events_stream_version ON events (stream_id, version);
   CREATE UNIQUE INDEX events_stream_event_id ON events (stream_id, event_id);
   CREATE TABLE snapshots (
     stream_id      TEXT    NOT NULL,
     version        INTEGER NOT NULL,
     aggregate_type TEXT    NOT NULL,
     state_version  INTEGER NOT NULL,
     state          TEXT    NOT NULL,
     taken_at       TEXT    NOT NULL,
     PRIMARY KEY (stream_id, version)
   ) WITHOUT ROWID;
   CREATE TABLE checkpoints (
     name  TEXT PRIMARY KEY,
     value TEXT NOT NULL
   ) WITHOUT ROWID;
   CREATE TABLE idempotency (
     key        TEXT    PRIMARY KEY,
     value      TEXT    NOT NULL,
     stored_at  TEXT    NOT NULL,
     expires_at TEXT    NOT NULL,
     expires_ms INTEGER NOT NULL
   ) WITHOUT ROWID;`,
  // 2: expired idempotency records are purged in bulk by expiry time.
  'CREATE INDEX idempotency_expires ON idempotency (expires_ms);',
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Brings the file to SCHEMA_VERSION; refuses a file written by a newer Nexus. */
export function migrate(db: Database, path: string): void {
  db.transaction(() => {
    db.exec('CREATE TABLE IF NOT EXISTS nexus_store_schema (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)');
    const row = db.prepare('SELECT version FROM nexus_store_schema WHERE id = 1').get() as { version: number } | undefined;
    const current = row?.version ?? 0;
    if (current > SCHEMA_VERSION) {
      throw new Error(`${path}: store schema version ${current} is newer than this Nexus supports (${SCHEMA_VERSION}); upgrade Nexus`);
    }
    for (let v = current; v < SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v]!);
    if (current !== SCHEMA_VERSION) {
      db.prepare('INSERT INTO nexus_store_schema (id, version) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET version = excluded.version').run(SCHEMA_VERSION);
    }
  }).immediate();
}

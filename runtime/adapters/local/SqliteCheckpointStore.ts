/**
 * CheckpointStore on the local SQLite file. Compare-and-set reads and writes inside one
 * BEGIN IMMEDIATE transaction, so racing processes cannot both win. Writes join the group
 * transaction of the file's shared connection (sqlite/sharedFile.ts): the writes of one
 * event-loop turn share a commit, and the commits made during one fsync share the next fsync.
 */
import type { Database, Statement } from 'better-sqlite3';
import {
  CheckpointConflictError, checkCheckpointListArgs, checkpointNameRange, type CheckpointListOptions, type CheckpointStore,
} from '../../ports';
import { ClosedStoreError } from './ClosedStoreError';
import { checkCheckpointName, checkCheckpointValue } from './InMemoryCheckpointStore';
import { withBusyRetry, type BusyPolicy } from './sqlite/busy';
import { SqliteFile, type SharedFileOptions } from './sqlite/sharedFile';

export class SqliteCheckpointStore implements CheckpointStore {
  private readonly file: SqliteFile;
  private readonly db: Database;
  private readonly service: string;
  private readonly busy: BusyPolicy;
  private readonly sql: {
    get: Statement<[string], { value: string }>;
    put: Statement<[string, string]>;
    del: Statement<[string]>;
    list: {
      through: Statement<[string, string, number], { name: string; value: string }>;
      before: Statement<[string, string, number], { name: string; value: string }>;
      open: Statement<[string, number], { name: string; value: string }>;
    };
  };
  private closed = false;

  constructor(options: SharedFileOptions) {
    this.file = SqliteFile.open(options);
    ({ db: this.db, service: this.service, busy: this.busy } = this.file);
    this.sql = {
      get: this.db.prepare('SELECT value FROM checkpoints WHERE name = ?'),
      put: this.db.prepare('INSERT INTO checkpoints (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value'),
      del: this.db.prepare('DELETE FROM checkpoints WHERE name = ?'),
      // A range on the primary key (BINARY collation: UTF-8 bytes, the port's code point order) with
      // ORDER BY name LIMIT ?: SQLite walks the index from the prefix and stops at the bound or the
      // limit (LIMIT -1 = none). No LIKE: prefixes may contain % or _.
      list: {
        through: this.db.prepare('SELECT name, value FROM checkpoints WHERE name >= ? AND name <= ? ORDER BY name LIMIT ?'),
        before: this.db.prepare('SELECT name, value FROM checkpoints WHERE name >= ? AND name < ? ORDER BY name LIMIT ?'),
        open: this.db.prepare('SELECT name, value FROM checkpoints WHERE name >= ? ORDER BY name LIMIT ?'),
      },
    };
  }

  async get(name: string): Promise<string | undefined> {
    this.assertOpen();
    checkCheckpointName(name);
    return withBusyRetry(this.service, this.busy, () => this.sql.get.get(name)?.value);
  }

  async set(name: string, value: string, expected?: { readonly current: string | undefined }): Promise<void> {
    this.assertOpen();
    checkCheckpointName(name);
    checkCheckpointValue(value);
    await this.file.write(() => {
      if (expected) {
        const actual = this.sql.get.get(name)?.value;
        if (actual !== expected.current) throw new CheckpointConflictError(name, expected.current, actual);
      }
      this.sql.put.run(name, value);
    });
  }

  async delete(name: string): Promise<void> {
    this.assertOpen();
    checkCheckpointName(name);
    await this.file.write(() => this.sql.del.run(name));
  }

  async list(prefix?: string, options?: CheckpointListOptions): Promise<Array<{ name: string; value: string }>> {
    this.assertOpen();
    const { prefix: p, to, limit = -1 } = checkCheckpointListArgs(prefix, options);
    const range = checkpointNameRange(p, to);
    if (!range) return [];
    const { list } = this.sql;
    return withBusyRetry(this.service, this.busy, () => (range.through !== undefined ? list.through.all(range.from, range.through, limit)
      : range.before !== undefined ? list.before.all(range.from, range.before, limit) : list.open.all(range.from, limit)));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.file.release();
  }

  private assertOpen(): void {
    if (this.closed || !this.db.open) throw new ClosedStoreError(`SqliteCheckpointStore (${this.service})`);
  }
}

/**
 * CheckpointStore on the local SQLite file. Compare-and-set reads and writes inside one
 * BEGIN IMMEDIATE transaction, so racing processes cannot both win.
 */
import type { Database, Statement } from 'better-sqlite3';
import { CheckpointConflictError, type CheckpointStore } from '../../ports';
import { ClosedStoreError } from './ClosedStoreError';
import { checkCheckpointName, checkCheckpointValue } from './InMemoryCheckpointStore';
import { withBusyRetry, type BusyPolicy } from './sqlite/busy';
import { openDatabase, type SqliteOptions } from './sqlite/openDatabase';

export class SqliteCheckpointStore implements CheckpointStore {
  private readonly db: Database;
  private readonly service: string;
  private readonly busy: BusyPolicy;
  private readonly sql: {
    get: Statement<[string], { value: string }>;
    put: Statement<[string, string]>;
    del: Statement<[string]>;
    list: Statement<[string, string], { name: string; value: string }>;
  };
  private readonly casTx: (name: string, value: string, expected: string | undefined) => void;

  constructor(options: SqliteOptions) {
    ({ db: this.db, service: this.service, busy: this.busy } = openDatabase(options));
    this.sql = {
      get: this.db.prepare('SELECT value FROM checkpoints WHERE name = ?'),
      put: this.db.prepare('INSERT INTO checkpoints (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value'),
      del: this.db.prepare('DELETE FROM checkpoints WHERE name = ?'),
      // substr() instead of LIKE: prefixes may contain % or _, and comparison stays binary (sorted as JS does for ASCII).
      list: this.db.prepare('SELECT name, value FROM checkpoints WHERE substr(name, 1, length(?)) = ? ORDER BY name'),
    };
    const tx = this.db.transaction((name: string, value: string, expected: string | undefined) => {
      const actual = this.sql.get.get(name)?.value;
      if (actual !== expected) throw new CheckpointConflictError(name, expected, actual);
      this.sql.put.run(name, value);
    });
    this.casTx = (name, value, expected) => tx.immediate(name, value, expected);
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
    await withBusyRetry(this.service, this.busy, () => {
      if (expected) this.casTx(name, value, expected.current);
      else this.sql.put.run(name, value);
    });
  }

  async delete(name: string): Promise<void> {
    this.assertOpen();
    checkCheckpointName(name);
    await withBusyRetry(this.service, this.busy, () => this.sql.del.run(name));
  }

  async list(prefix = ''): Promise<Array<{ name: string; value: string }>> {
    this.assertOpen();
    return withBusyRetry(this.service, this.busy, () => this.sql.list.all(prefix, prefix));
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  private assertOpen(): void {
    if (!this.db.open) throw new ClosedStoreError(`SqliteCheckpointStore (${this.service})`);
  }
}

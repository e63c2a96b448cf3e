/**
 * SnapshotStore on the local SQLite file: one row per (stream, version), so temporal loads
 * (maxVersion) and state-shape filtering (stateVersion) are one indexed query. Saves join the
 * group transaction of the file's shared connection (sqlite/sharedFile.ts).
 */
import type { Database, Statement } from 'better-sqlite3';
import type { LoadSnapshotOptions, Snapshot, SnapshotStore } from '../../ports';
import { ClosedStoreError } from './ClosedStoreError';
import { checkLoadOptions, checkSnapshot } from './SnapshotRules';
import { withBusyRetry, type BusyPolicy } from './sqlite/busy';
import { SqliteFile, type SharedFileOptions } from './sqlite/sharedFile';

interface SnapshotRow {
  stream_id: string;
  version: number;
  aggregate_type: string;
  state_version: number;
  state: string;
  taken_at: string;
}

export class SqliteSnapshotStore implements SnapshotStore {
  private readonly file: SqliteFile;
  private readonly db: Database;
  private readonly service: string;
  private readonly busy: BusyPolicy;
  private readonly upsert: Statement<[string, number, string, number, string, string]>;
  private readonly latest: Statement<[string, number, number | null, number | null], SnapshotRow>;
  private closed = false;

  constructor(options: SharedFileOptions) {
    this.file = SqliteFile.open(options);
    ({ db: this.db, service: this.service, busy: this.busy } = this.file);
    this.upsert = this.db.prepare(
      `INSERT INTO snapshots (stream_id, version, aggregate_type, state_version, state, taken_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (stream_id, version) DO UPDATE SET
         aggregate_type = excluded.aggregate_type, state_version = excluded.state_version, state = excluded.state, taken_at = excluded.taken_at`,
    );
    this.latest = this.db.prepare(
      `SELECT stream_id, version, aggregate_type, state_version, state, taken_at FROM snapshots
       WHERE stream_id = ? AND version <= ? AND (? IS NULL OR state_version = ?) ORDER BY version DESC LIMIT 1`,
    );
  }

  async save(snapshot: Snapshot): Promise<void> {
    this.assertOpen();
    const state = checkSnapshot(snapshot);
    await this.file.write(() =>
      this.upsert.run(snapshot.streamId, snapshot.version, snapshot.aggregateType, snapshot.stateVersion, state, snapshot.takenAt),
    );
  }

  async load(streamId: string, options: LoadSnapshotOptions = {}): Promise<Snapshot | undefined> {
    this.assertOpen();
    checkLoadOptions(streamId, options);
    const sv = options.stateVersion ?? null;
    const row = await withBusyRetry(this.service, this.busy, () =>
      this.latest.get(streamId, options.maxVersion ?? Number.MAX_SAFE_INTEGER, sv, sv),
    );
    if (!row) return undefined;
    return {
      streamId: row.stream_id,
      aggregateType: row.aggregate_type,
      version: row.version,
      stateVersion: row.state_version,
      state: JSON.parse(row.state) as unknown,
      takenAt: row.taken_at,
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.file.release();
  }

  private assertOpen(): void {
    if (this.closed || !this.db.open) throw new ClosedStoreError(`SqliteSnapshotStore (${this.service})`);
  }
}

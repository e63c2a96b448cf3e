/**
 * SnapshotStore on PostgreSQL: one row per (stream, version), so temporal loads (maxVersion)
 * and state-shape filtering (stateVersion) are one indexed query.
 */
import type { LoadSnapshotOptions, Snapshot, SnapshotStore } from '../../ports';
import { checkLoadOptions, checkSnapshot } from '../local/SnapshotRules';
import type { PostgresConnection } from './postgres/connection';
import { PgAccess } from './postgres/PgAccess';

interface SnapshotRow {
  stream_id: string;
  version: string;
  aggregate_type: string;
  state_version: number;
  state: unknown;
  taken_at: string;
}

export class PostgresSnapshotStore implements SnapshotStore {
  private readonly pg: PgAccess;

  constructor(options: { readonly connection: PostgresConnection; readonly ownsPool?: boolean }) {
    this.pg = new PgAccess(options.connection, 'PostgresSnapshotStore', options.ownsPool);
  }

  async save(snapshot: Snapshot): Promise<void> {
    this.pg.assertOpen();
    const state = checkSnapshot(snapshot);
    await this.pg.query(
      `INSERT INTO ${this.pg.s}.snapshots (stream_id, version, aggregate_type, state_version, state, taken_at)
       VALUES ($1, $2, $3, $4, $5::json, $6)
       ON CONFLICT (stream_id, version) DO UPDATE SET aggregate_type = excluded.aggregate_type,
         state_version = excluded.state_version, state = excluded.state, taken_at = excluded.taken_at`,
      [snapshot.streamId, snapshot.version, snapshot.aggregateType, snapshot.stateVersion, state, snapshot.takenAt],
    );
  }

  async load(streamId: string, options: LoadSnapshotOptions = {}): Promise<Snapshot | undefined> {
    this.pg.assertOpen();
    checkLoadOptions(streamId, options);
    const rows = await this.pg.query<SnapshotRow>(
      `SELECT stream_id, version, aggregate_type, state_version, state, taken_at FROM ${this.pg.s}.snapshots
       WHERE stream_id = $1 AND version <= $2 AND ($3::int IS NULL OR state_version = $3::int) ORDER BY version DESC LIMIT 1`,
      [streamId, options.maxVersion ?? Number.MAX_SAFE_INTEGER, options.stateVersion ?? null],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      streamId: row.stream_id, aggregateType: row.aggregate_type, version: Number(row.version),
      stateVersion: row.state_version, state: row.state, takenAt: row.taken_at,
    };
  }

  async close(): Promise<void> {
    await this.pg.close();
  }
}

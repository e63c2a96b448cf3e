/**
 * EventStore on PostgreSQL (`pg`). An append is one transaction that first takes a
 * transaction-scoped advisory lock per schema, then reads the stream head, checks the expected
 * version and inserts the events; the lock is held until commit, so global positions (bigserial)
 * are assigned in commit order and readAll (position order) never skips an event that commits
 * later with a lower position (ADR 0080). A failed check writes nothing; UNIQUE(stream, version)
 * and UNIQUE(stream, event id) back the rules up.
 */
import type { PoolClient } from 'pg';
import {
  ConcurrencyError, systemClock, validateAppend, versionMatches,
  type AppendResult, type Clock, type EventStore, type ExpectedVersion, type NewEvent, type ReadAllOptions,
  type ReadAllPage, type ReadStreamOptions, type StoredEvent, type StreamInfo,
} from '../../ports';
import {
  checkStreamId, formatPosition, monotonicTime, parsePosition, replayedVersions, resolveReadAllLimit, resolveStreamRead,
} from '../local/StoreOptions';
import type { PostgresConnection } from './postgres/connection';
import { PgAccess } from './postgres/PgAccess';
import { appendLockKey, PostgresEventImporter } from './PostgresEventImporter';
import type { EventImporter, ImportResult } from '../../ports/EventImport';
import { pgCode, UNIQUE_VIOLATION } from './postgres/pgErrors';

export interface PostgresEventStoreOptions {
  readonly connection: PostgresConnection;
  /** Stamps recordedAt; default the system clock. */
  readonly clock?: Clock;
  /** Close the pool on close() (default true; false when the pool is shared with other stores). */
  readonly ownsPool?: boolean;
}

interface EventRow {
  position: string;
  stream_id: string;
  version: string;
  event_id: string;
  type: string;
  schema_version: number;
  data: Record<string, unknown>;
  metadata: StoredEvent['metadata'];
  recorded_at: string;
}

type Attempt = { result: AppendResult } | { conflict: number } | { idsStored: true };

const MAX_TIME = '9999-12-31T23:59:59.999Z';
const COLUMNS = 'position, stream_id, version, event_id, type, schema_version, data, metadata, recorded_at';

export function toStoredEvent(row: EventRow): StoredEvent {
  return {
    streamId: row.stream_id, version: Number(row.version), eventId: row.event_id, type: row.type,
    schemaVersion: row.schema_version, data: row.data, metadata: row.metadata,
    position: formatPosition(Number(row.position)), recordedAt: row.recorded_at,
  };
}

export class PostgresEventStore implements EventStore, EventImporter {
  private readonly pg: PgAccess;
  private readonly clock: Clock;
  private readonly importer: PostgresEventImporter;

  constructor(options: PostgresEventStoreOptions) {
    this.pg = new PgAccess(options.connection, 'PostgresEventStore', options.ownsPool);
    this.clock = options.clock ?? systemClock;
    this.importer = new PostgresEventImporter(this.pg);
  }

  async append(streamId: string, events: readonly NewEvent[], expected: ExpectedVersion = 'any'): Promise<AppendResult> {
    this.pg.assertOpen();
    validateAppend(streamId, events);
    const attempt = await this.pg.transaction((c) => this.appendInTransaction(c, streamId, events, expected), (a) => 'result' in a);
    if ('result' in attempt) return attempt.result;
    // Outside the lock: an exact replay of stored ids wins over any version check; a partial
    // overlap is a DuplicateEventError; otherwise it was a plain conflict.
    const ids = events.map((e) => e.eventId);
    const found = await this.pg.query<{ event_id: string; version: string }>(
      `SELECT event_id, version FROM ${this.pg.s}.events WHERE stream_id = $1 AND event_id = ANY($2::text[])`, [streamId, ids]);
    const byId = new Map(found.map((r) => [r.event_id, Number(r.version)]));
    const replay = replayedVersions(streamId, ids, ids.map((id) => byId.get(id)));
    if (replay) {
      const stored = await this.readStream(streamId, { fromVersion: replay[0]!, asOfVersion: replay[replay.length - 1]! });
      const last = stored[stored.length - 1]!;
      return { streamId, nextVersion: last.version, position: last.position, events: stored, idempotentReplay: true };
    }
    if ('conflict' in attempt) throw new ConcurrencyError(streamId, expected, attempt.conflict);
    throw new Error(`stream ${streamId}: an event id was reported as stored but cannot be found`);
  }

  private async appendInTransaction(c: PoolClient, streamId: string, events: readonly NewEvent[], expected: ExpectedVersion): Promise<Attempt> {
    // The global append lock (ADR 0080): held until COMMIT, taken before any position is assigned.
    await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [appendLockKey(this.pg.s)]);
    const head = await c.query<{ version: string; recorded_at: string }>(
      `SELECT version, recorded_at FROM ${this.pg.s}.events WHERE stream_id = $1 ORDER BY version DESC LIMIT 1`, [streamId]);
    const actual = head.rows[0] ? Number(head.rows[0].version) : 0;
    if (!versionMatches(expected, actual)) return { conflict: actual };
    const recordedAt = monotonicTime(this.clock.now().getTime(), head.rows[0]?.recorded_at);
    let positions: Array<{ position: string; version: string }>;
    try {
      positions = (await c.query<{ position: string; version: string }>(
        `INSERT INTO ${this.pg.s}.events (stream_id, version, event_id, type, schema_version, data, metadata, recorded_at)
         SELECT $1, v, id, t, sv, d::json, m::json, $8
         FROM unnest($2::bigint[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[]) AS u(v, id, t, sv, d, m)
         ORDER BY v RETURNING position, version`,
        [
          streamId, events.map((_, i) => actual + i + 1), events.map((e) => e.eventId), events.map((e) => e.type),
          events.map((e) => e.schemaVersion), events.map((e) => JSON.stringify(e.data)),
          events.map((e) => JSON.stringify(e.metadata ?? {})), recordedAt,
        ],
      )).rows;
    } catch (err) {
      if (pgCode(err) === UNIQUE_VIOLATION) return { idsStored: true };
      throw err;
    }
    const byVersion = new Map(positions.map((p) => [Number(p.version), formatPosition(Number(p.position))]));
    const stored = events.map((e, i): StoredEvent => ({
      streamId, version: actual + i + 1, eventId: e.eventId, type: e.type, schemaVersion: e.schemaVersion,
      data: e.data, metadata: e.metadata ?? {}, position: byVersion.get(actual + i + 1)!, recordedAt,
    }));
    const last = stored[stored.length - 1]!;
    return { result: { streamId, nextVersion: last.version, position: last.position, events: stored, idempotentReplay: false } };
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]> {
    this.pg.assertOpen();
    checkStreamId(streamId);
    const r = resolveStreamRead(options);
    if (r.maxCount === 0) return [];
    const asOf = r.asOfMs === undefined ? MAX_TIME : new Date(r.asOfMs).toISOString();
    const limit = Math.min(r.maxCount, Number.MAX_SAFE_INTEGER);
    const rows = r.direction === 'forward'
      ? await this.pg.query<EventRow>(
        `SELECT ${COLUMNS} FROM ${this.pg.s}.events WHERE stream_id = $1 AND version >= $2 AND version <= $3 AND recorded_at <= $4
         ORDER BY version ASC LIMIT $5`, [streamId, r.fromVersion ?? 0, r.asOfVersion, asOf, limit])
      : await this.pg.query<EventRow>(
        `SELECT ${COLUMNS} FROM ${this.pg.s}.events WHERE stream_id = $1 AND version <= $2 AND recorded_at <= $3
         ORDER BY version DESC LIMIT $4`, [streamId, Math.min(r.fromVersion ?? Number.MAX_SAFE_INTEGER, r.asOfVersion), asOf, limit]);
    return rows.map(toStoredEvent);
  }

  async readAll(options: ReadAllOptions = {}): Promise<ReadAllPage> {
    this.pg.assertOpen();
    const after = parsePosition('after', options.after);
    const limit = resolveReadAllLimit(options);
    // One row more than the page tells whether the page reached the end.
    const rows = await this.pg.query<EventRow>(`SELECT ${COLUMNS} FROM ${this.pg.s}.events WHERE position > $1 ORDER BY position ASC LIMIT $2`, [after, limit + 1]);
    const events = rows.slice(0, limit).map(toStoredEvent);
    const last = events[events.length - 1];
    return { events, checkpoint: last ? last.position : options.after, isEnd: rows.length <= limit };
  }

  async streamInfo(streamId: string): Promise<StreamInfo> {
    this.pg.assertOpen();
    checkStreamId(streamId);
    const rows = await this.pg.query<{ version: string | null; created: string | null; updated: string | null }>(
      `SELECT max(version) AS version, min(recorded_at) AS created, max(recorded_at) AS updated FROM ${this.pg.s}.events WHERE stream_id = $1`, [streamId]);
    const row = rows[0];
    if (!row || row.version === null) return { streamId, exists: false, version: 0 };
    return { streamId, exists: true, version: Number(row.version), createdAt: row.created!, updatedAt: row.updated! };
  }

  /** EventImporter (nexus migrate): original versions, ids and times; see PostgresEventImporter. */
  importEvents(streamId: string, events: readonly StoredEvent[]): Promise<ImportResult> {
    return this.importer.importEvents(streamId, events);
  }

  importStreams(runs: ReadonlyArray<{ readonly streamId: string; readonly events: readonly StoredEvent[] }>): Promise<ImportResult> {
    return this.importer.importStreams(runs);
  }

  async close(): Promise<void> {
    await this.pg.close();
  }
}

/**
 * EventStore on PostgreSQL (`pg`), ADR 0142. An append is ONE autocommit statement: it reads the
 * stream head, checks the expected version and inserts the events at head + 1.. in the same
 * snapshot, so appends to different streams run in parallel and their commits share WAL flushes
 * (group commit). Two writers that read the same head collide on UNIQUE (stream_id, version):
 * the loser's statement fails and writes nothing, and is then told the real version (or, with
 * expected 'any', simply tries again). A failed check writes nothing — there is no separate
 * stream-head row that a conflict could leave behind. readAll is ordered by (xid, position) and
 * reads only below the horizon of postgres/appendHorizon.ts, so it never skips an append that
 * commits later with a smaller order key.
 */
import {
  ConcurrencyError, systemClock, validateAppend,
  type AppendResult, type Clock, type EventStore, type ExpectedVersion, type NewEvent, type ReadAllOptions,
  type ReadAllPage, type ReadStreamOptions, type StoredEvent, type StreamInfo,
} from '../../ports';
import { checkStreamId, replayedVersions, resolveStreamRead } from '../local/StoreOptions';
import type { PostgresConnection } from './postgres/connection';
import { PgAccess } from './postgres/PgAccess';
import { PostgresEventImporter } from './PostgresEventImporter';
import type { EventImporter, ImportResult } from '../../ports/EventImport';
import { pgCode, UNIQUE_VIOLATION } from './postgres/pgErrors';
import { markCall } from './postgres/appendHorizon';
import { EVENT_COLUMNS, formatEventKey, toStoredEvent, type EventRow } from './postgres/eventPositions';
import { readAllPage } from './postgres/readAll';

export { toStoredEvent } from './postgres/eventPositions';

export interface PostgresEventStoreOptions {
  readonly connection: PostgresConnection;
  /** Stamps recordedAt; default the system clock. */
  readonly clock?: Clock;
  /** Close the pool on close() (default true; false when the pool is shared with other stores). */
  readonly ownsPool?: boolean;
}

type Attempt = { result: AppendResult } | { conflict: number } | { raced: true };

interface AppendRow {
  head: string;
  xid: string | null;
  position: string | null;
  version: string | null;
  recorded_at: string | null;
}

const MAX_TIME = '9999-12-31T23:59:59.999Z';
/** 'any' appends that lost the race for the next version this many times in a row give up. */
const MAX_ANY_RACES = 100;

/**
 * $1 stream, $2..$6 event ids, types, schema versions, data, metadata (arrays), $7 the clock's
 * ISO time, $8 the expected version (NULL = any), $9 the quoted schema. `head` is MATERIALIZED
 * and the INSERT reads it first, so the appender mark is held before the row (and its xid) exists.
 * recordedAt never goes backwards in a stream: max(clock, head's time), as monotonicTime() does
 * for the local stores.
 */
function appendSql(s: string): string {
  return `
    WITH head AS MATERIALIZED (
      SELECT coalesce(h.version, 0) AS v, h.recorded_at AS at, ${markCall('$9')} AS marked
      FROM (VALUES (1)) AS one (x) LEFT JOIN LATERAL (
        SELECT version, recorded_at FROM ${s}.events WHERE stream_id = $1 ORDER BY version DESC LIMIT 1
      ) AS h ON true
    ), stamp AS (
      SELECT v, CASE WHEN at IS NULL OR at::timestamptz <= $7::text::timestamptz THEN $7::text
        ELSE to_char(at::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') END AS at
      FROM head
    ), ins AS (
      INSERT INTO ${s}.events (stream_id, version, event_id, type, schema_version, data, metadata, recorded_at)
      SELECT $1, stamp.v + u.n, u.id, u.t, u.sv, u.d::json, u.m::json, stamp.at
      FROM stamp, unnest($2::text[], $3::text[], $4::int[], $5::text[], $6::text[]) WITH ORDINALITY AS u (id, t, sv, d, m, n)
      WHERE $8::bigint IS NULL OR stamp.v = $8::bigint
      ORDER BY u.n
      RETURNING xid, position, version, recorded_at
    )
    SELECT stamp.v AS head, ins.xid, ins.position, ins.version, ins.recorded_at
    FROM stamp LEFT JOIN ins ON true ORDER BY ins.version`;
}

export class PostgresEventStore implements EventStore, EventImporter {
  private readonly pg: PgAccess;
  private readonly clock: Clock;
  private readonly importer: PostgresEventImporter;
  private readonly appendStatement: string;
  /** Prepared once per connection: the statement is planned once, not on every append. */
  private readonly appendName: string;

  constructor(options: PostgresEventStoreOptions) {
    this.pg = new PgAccess(options.connection, 'PostgresEventStore', options.ownsPool);
    this.clock = options.clock ?? systemClock;
    this.importer = new PostgresEventImporter(this.pg);
    this.appendStatement = appendSql(this.pg.s);
    this.appendName = `nexus_append_${this.pg.s.replace(/"/g, '')}`;
  }

  async append(streamId: string, events: readonly NewEvent[], expected: ExpectedVersion = 'any'): Promise<AppendResult> {
    this.pg.assertOpen();
    validateAppend(streamId, events);
    for (let races = 0; ; races++) {
      const attempt = await this.attempt(streamId, events, expected);
      if ('result' in attempt) return attempt.result;
      // An exact replay of stored ids wins over any version check; a partial overlap is a
      // DuplicateEventError; otherwise it was a conflict (or, for 'any', a lost race: retry).
      const replay = await this.replay(streamId, events);
      if (replay) return replay;
      if ('conflict' in attempt) throw new ConcurrencyError(streamId, expected, attempt.conflict);
      if (expected !== 'any' || races >= MAX_ANY_RACES) throw new ConcurrencyError(streamId, expected, (await this.streamInfo(streamId)).version);
    }
  }

  private async attempt(streamId: string, events: readonly NewEvent[], expected: ExpectedVersion): Promise<Attempt> {
    let rows: AppendRow[];
    try {
      rows = await this.pg.query<AppendRow>(this.appendStatement, [
        streamId, events.map((e) => e.eventId), events.map((e) => e.type), events.map((e) => e.schemaVersion),
        events.map((e) => JSON.stringify(e.data)), events.map((e) => JSON.stringify(e.metadata ?? {})),
        this.clock.now().toISOString(), expected === 'any' ? null : expected === 'no_stream' ? 0 : expected, this.pg.s,
      ], this.appendName);
    } catch (err) {
      // Another writer took one of these versions (or stored one of these ids) first.
      if (pgCode(err) === UNIQUE_VIOLATION) return { raced: true };
      throw err;
    }
    const inserted = rows.filter((r) => r.version !== null);
    if (inserted.length === 0) return { conflict: Number(rows[0]!.head) };
    const stored = events.map((e, i): StoredEvent => {
      const row = inserted[i]!;
      return {
        streamId, version: Number(row.version), eventId: e.eventId, type: e.type, schemaVersion: e.schemaVersion,
        data: e.data, metadata: e.metadata ?? {}, position: formatEventKey(row.xid!, row.position!), recordedAt: row.recorded_at!,
      };
    });
    const last = stored[stored.length - 1]!;
    return { result: { streamId, nextVersion: last.version, position: last.position, events: stored, idempotentReplay: false } };
  }

  /** The original result when every id is already stored in order; DuplicateEventError on a partial overlap. */
  private async replay(streamId: string, events: readonly NewEvent[]): Promise<AppendResult | undefined> {
    const ids = events.map((e) => e.eventId);
    const found = await this.pg.query<{ event_id: string; version: string }>(
      `SELECT event_id, version FROM ${this.pg.s}.events WHERE stream_id = $1 AND event_id = ANY($2::text[])`, [streamId, ids]);
    const byId = new Map(found.map((r) => [r.event_id, Number(r.version)]));
    const replay = replayedVersions(streamId, ids, ids.map((id) => byId.get(id)));
    if (!replay) return undefined;
    const stored = await this.readStream(streamId, { fromVersion: replay[0]!, asOfVersion: replay[replay.length - 1]! });
    const last = stored[stored.length - 1]!;
    return { streamId, nextVersion: last.version, position: last.position, events: stored, idempotentReplay: true };
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
        `SELECT ${EVENT_COLUMNS} FROM ${this.pg.s}.events WHERE stream_id = $1 AND version >= $2 AND version <= $3 AND recorded_at <= $4
         ORDER BY version ASC LIMIT $5`, [streamId, r.fromVersion ?? 0, r.asOfVersion, asOf, limit])
      : await this.pg.query<EventRow>(
        `SELECT ${EVENT_COLUMNS} FROM ${this.pg.s}.events WHERE stream_id = $1 AND version <= $2 AND recorded_at <= $3
         ORDER BY version DESC LIMIT $4`, [streamId, Math.min(r.fromVersion ?? Number.MAX_SAFE_INTEGER, r.asOfVersion), asOf, limit]);
    return rows.map(toStoredEvent);
  }

  readAll(options: ReadAllOptions = {}): Promise<ReadAllPage> {
    this.pg.assertOpen();
    return readAllPage(this.pg, options);
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

/**
 * EventStore on one local SQLite file (better-sqlite3, WAL, synchronous=FULL by default).
 * An append is ONE `BEGIN IMMEDIATE` transaction: one indexed lookup of the stream head, the
 * version check, the inserts. Writers (threads or processes) are serialized by SQLite's write
 * lock, so commit order == position order and readAll (position order) never skips a row that
 * commits later with a lower position. A failed check writes nothing, so the stream stays
 * appendable; UNIQUE(stream_id, version) and UNIQUE(stream_id, event_id) back the rules up.
 */
import type { Database, Statement } from 'better-sqlite3';
import {
  ConcurrencyError, systemClock, validateAppend, versionMatches,
  type AppendResult, type Clock, type EventStore, type ExpectedVersion, type NewEvent, type ReadAllOptions,
  type ReadAllPage, type ReadStreamOptions, type StoredEvent, type StreamInfo,
} from '../../ports';
import { ClosedStoreError } from './ClosedStoreError';
import {
  checkStreamId, formatPosition, monotonicTime, parsePosition, replayedVersions, resolveReadAllLimit, resolveStreamRead,
} from './StoreOptions';
import { withBusyRetry, sqliteCode, type BusyPolicy } from './sqlite/busy';
import { openDatabase, type SqliteOptions } from './sqlite/openDatabase';

export interface SqliteEventStoreOptions extends SqliteOptions {
  /** Stamps recordedAt; default the system clock. */
  readonly clock?: Clock;
}

interface EventRow {
  position: number;
  stream_id: string;
  version: number;
  event_id: string;
  type: string;
  schema_version: number;
  data: string;
  metadata: string;
  recorded_at: string;
}

/** Thrown inside the append transaction to roll back inserts when an event id is already stored. */
class IdsAlreadyStored extends Error {}

type Attempt = { result: AppendResult } | { conflict: number } | { idsStored: true };

const MAX_TIME = '9999-12-31T23:59:59.999Z';
const COLUMNS = 'position, stream_id, version, event_id, type, schema_version, data, metadata, recorded_at';

function toEvent(row: EventRow): StoredEvent {
  return {
    streamId: row.stream_id,
    version: row.version,
    eventId: row.event_id,
    type: row.type,
    schemaVersion: row.schema_version,
    data: JSON.parse(row.data) as Record<string, unknown>,
    metadata: JSON.parse(row.metadata) as StoredEvent['metadata'],
    position: formatPosition(row.position),
    recordedAt: row.recorded_at,
  };
}

export class SqliteEventStore implements EventStore {
  private readonly db: Database;
  private readonly service: string;
  private readonly busy: BusyPolicy;
  private readonly clock: Clock;
  private readonly sql: {
    head: Statement<[string], { version: number; recorded_at: string }>;
    first: Statement<[string], { recorded_at: string }>;
    versionOfId: Statement<[string, string], { version: number }>;
    forward: Statement<[string, number, number, string, number], EventRow>;
    backward: Statement<[string, number, string, number], EventRow>;
    after: Statement<[number, number], EventRow>;
  };
  private readonly inserts = new Map<number, Statement<Array<string | number>>>();
  private readonly appendTx: (streamId: string, events: readonly NewEvent[], expected: ExpectedVersion) => Attempt;

  constructor(options: SqliteEventStoreOptions) {
    const opened = openDatabase(options);
    this.db = opened.db;
    this.service = opened.service;
    this.busy = opened.busy;
    this.clock = options.clock ?? systemClock;
    const db = this.db;
    this.sql = {
      head: db.prepare('SELECT version, recorded_at FROM events WHERE stream_id = ? ORDER BY version DESC LIMIT 1'),
      first: db.prepare('SELECT recorded_at FROM events WHERE stream_id = ? ORDER BY version ASC LIMIT 1'),
      versionOfId: db.prepare('SELECT version FROM events WHERE stream_id = ? AND event_id = ?'),
      forward: db.prepare(
        `SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND version >= ? AND version <= ? AND recorded_at <= ? ORDER BY version ASC LIMIT ?`,
      ),
      backward: db.prepare(
        `SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND version <= ? AND recorded_at <= ? ORDER BY version DESC LIMIT ?`,
      ),
      after: db.prepare(`SELECT ${COLUMNS} FROM events WHERE position > ? ORDER BY position ASC LIMIT ?`),
    };
    const tx = this.db.transaction((streamId: string, events: readonly NewEvent[], expected: ExpectedVersion) =>
      this.appendInTransaction(streamId, events, expected));
    this.appendTx = (streamId, events, expected) => tx.immediate(streamId, events, expected);
  }

  async append(streamId: string, events: readonly NewEvent[], expected: ExpectedVersion = 'any'): Promise<AppendResult> {
    this.assertOpen();
    validateAppend(streamId, events);
    const attempt = await withBusyRetry(this.service, this.busy, () => {
      try {
        return this.appendTx(streamId, events, expected);
      } catch (err) {
        if (err instanceof IdsAlreadyStored) return { idsStored: true } as const;
        throw err;
      }
    });
    if ('result' in attempt) return attempt.result;
    // Slow path, outside the write lock: an exact replay of stored ids wins over any version
    // check; a partial overlap is a DuplicateEventError; otherwise it was a plain conflict.
    const versions = events.map((e) => this.sql.versionOfId.get(streamId, e.eventId)?.version);
    const replay = replayedVersions(streamId, events.map((e) => e.eventId), versions);
    if (replay) {
      const stored = this.sql.forward.all(streamId, replay[0]!, replay[replay.length - 1]!, MAX_TIME, replay.length).map(toEvent);
      const last = stored[stored.length - 1]!;
      return { streamId, nextVersion: last.version, position: last.position, events: stored, idempotentReplay: true };
    }
    if ('conflict' in attempt) throw new ConcurrencyError(streamId, expected, attempt.conflict);
    // Ids seen by the UNIQUE index but gone now cannot happen (rows are never deleted): say so loudly.
    throw new Error(`stream ${streamId}: an event id was reported as stored but cannot be found`);
  }

  private appendInTransaction(streamId: string, events: readonly NewEvent[], expected: ExpectedVersion): Attempt {
    const head = this.sql.head.get(streamId);
    const actual = head?.version ?? 0;
    if (!versionMatches(expected, actual)) return { conflict: actual };
    const recordedAt = monotonicTime(this.clock.now().getTime(), head?.recorded_at);
    const n = events.length;
    const params: Array<string | number> = new Array<string | number>(n * 8);
    for (let i = 0; i < n; i++) {
      const e = events[i]!;
      const o = i * 8;
      params[o] = streamId;
      params[o + 1] = actual + i + 1;
      params[o + 2] = e.eventId;
      params[o + 3] = e.type;
      params[o + 4] = e.schemaVersion;
      params[o + 5] = JSON.stringify(e.data);
      params[o + 6] = JSON.stringify(e.metadata ?? {});
      params[o + 7] = recordedAt;
    }
    let lastPosition: number;
    try {
      lastPosition = Number(this.insertStatement(n).run(...params).lastInsertRowid);
    } catch (err) {
      if (sqliteCode(err) === 'SQLITE_CONSTRAINT_UNIQUE') throw new IdsAlreadyStored();
      throw err;
    }
    // One statement under the write lock: its rows got consecutive rowids ending at lastPosition.
    // The result carries the writer's data/metadata objects (their JSON is what was stored);
    // parsing the JSON back would cost more than the insert itself on small events.
    const stored = events.map((e, i): StoredEvent => ({
      streamId, version: actual + i + 1, eventId: e.eventId, type: e.type, schemaVersion: e.schemaVersion,
      data: e.data, metadata: e.metadata ?? {}, position: formatPosition(lastPosition - n + 1 + i), recordedAt,
    }));
    const last = stored[n - 1]!;
    return { result: { streamId, nextVersion: last.version, position: last.position, events: stored, idempotentReplay: false } };
  }

  /** INSERT of n rows in one statement, prepared once per batch size (1..MAX_EVENTS_PER_APPEND). */
  private insertStatement(n: number): Statement<Array<string | number>> {
    let stmt = this.inserts.get(n);
    if (!stmt) {
      const rows = Array.from({ length: n }, () => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ');
      stmt = this.db.prepare(`INSERT INTO events (stream_id, version, event_id, type, schema_version, data, metadata, recorded_at) VALUES ${rows}`);
      this.inserts.set(n, stmt);
    }
    return stmt;
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]> {
    this.assertOpen();
    checkStreamId(streamId);
    const r = resolveStreamRead(options);
    if (r.maxCount === 0) return [];
    const asOf = r.asOfMs === undefined ? MAX_TIME : new Date(r.asOfMs).toISOString();
    return withBusyRetry(this.service, this.busy, () => {
      const rows = r.direction === 'forward'
        ? this.sql.forward.all(streamId, r.fromVersion ?? 0, r.asOfVersion, asOf, r.maxCount)
        : this.sql.backward.all(streamId, Math.min(r.fromVersion ?? Number.MAX_SAFE_INTEGER, r.asOfVersion), asOf, r.maxCount);
      return rows.map(toEvent);
    });
  }

  async readAll(options: ReadAllOptions = {}): Promise<ReadAllPage> {
    this.assertOpen();
    const after = parsePosition('after', options.after);
    const limit = resolveReadAllLimit(options);
    // One row more than the page tells whether the page reached the end.
    const rows = await withBusyRetry(this.service, this.busy, () => this.sql.after.all(after, limit + 1));
    const events = rows.slice(0, limit).map(toEvent);
    const last = events[events.length - 1];
    return { events, checkpoint: last ? last.position : options.after, isEnd: rows.length <= limit };
  }

  async streamInfo(streamId: string): Promise<StreamInfo> {
    this.assertOpen();
    checkStreamId(streamId);
    return withBusyRetry(this.service, this.busy, () => {
      const head = this.sql.head.get(streamId);
      const first = this.sql.first.get(streamId);
      if (!head || !first) return { streamId, exists: false, version: 0 };
      return { streamId, exists: true, version: head.version, createdAt: first.recorded_at, updatedAt: head.recorded_at };
    });
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  private assertOpen(): void {
    if (!this.db.open) throw new ClosedStoreError(`SqliteEventStore (${this.service})`);
  }
}

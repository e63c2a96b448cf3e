/**
 * EventStore on one local SQLite file (better-sqlite3, WAL, synchronous=FULL by default).
 * An append runs inside a `BEGIN IMMEDIATE` transaction: one indexed lookup of the stream head,
 * the version check, the inserts. Writers (threads or processes) are serialized by SQLite's write
 * lock, so commit order == position order and readAll (position order) never skips a row that
 * commits later with a lower position. A failed check writes nothing, so the stream stays
 * appendable; UNIQUE(stream_id, version) and UNIQUE(stream_id, event_id) back the rules up.
 * When other stores share the file's connection (the runtime), appends and their writes requested
 * in one event-loop turn share one transaction (group commit, sqlite/sharedFile.ts); each append
 * keeps its own savepoint, version check and error, and resolves only once its commit is durable.
 * With synchronous=FULL the WAL fsync then runs after the commit, off the event loop when writers
 * meet: until it completes, the new rows are in the file but not yet on disk, so every read that
 * would return such a row first waits for the fsync (`durableThrough` is the last position known
 * on disk). No reader — relay, projection, saga, HTTP query — sees an event that a power loss
 * could still take back.
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
import { SqliteFile, type SharedFileOptions } from './sqlite/sharedFile';

export interface SqliteEventStoreOptions extends SharedFileOptions {
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

type Attempt = { result: AppendResult } | { conflict: number } | { idsStored: true };

const MAX_TIME = '9999-12-31T23:59:59.999Z';
const COLUMNS = 'position, stream_id, version, event_id, type, schema_version, data, metadata, recorded_at';

type RawRow = [number, string, number, string, string, number, string, string, string];

/** toEvent for a raw row of COLUMNS (array mode: no per-row object with column names). */
function rawToEvent(r: RawRow): StoredEvent {
  return {
    streamId: r[1], version: r[2], eventId: r[3], type: r[4], schemaVersion: r[5],
    data: JSON.parse(r[6]) as Record<string, unknown>, metadata: JSON.parse(r[7]) as StoredEvent['metadata'],
    position: formatPosition(r[0]), recordedAt: r[8],
  };
}

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
  private readonly file: SqliteFile;
  private readonly db: Database;
  private readonly service: string;
  private readonly busy: BusyPolicy;
  private readonly clock: Clock;
  private readonly sql: {
    head: Statement<[string], { version: number; recorded_at: string; position: number }>;
    maxPosition: Statement<[], { p: number | null }>;
    first: Statement<[string], { recorded_at: string }>;
    versionOfId: Statement<[string, string], { version: number }>;
    forward: Statement<[string, number, number, string, number], EventRow>;
    backward: Statement<[string, number, string, number], EventRow>;
    after: Statement<[number, number], RawRow>;
  };
  private readonly inserts = new Map<number, Statement<Array<string | number>>>();
  private closed = false;
  /** Rows up to this position are on disk, while the file fsyncs itself (see durable()). */
  private durableThrough: number;
  private syncingThrough = 0;
  private readonly stopListening: () => void;

  constructor(options: SqliteEventStoreOptions) {
    this.file = SqliteFile.open(options);
    this.db = this.file.db;
    this.service = this.file.service;
    this.busy = this.file.busy;
    this.clock = options.clock ?? systemClock;
    const db = this.db;
    this.sql = {
      head: db.prepare('SELECT version, recorded_at, position FROM events WHERE stream_id = ? ORDER BY version DESC LIMIT 1'),
      maxPosition: db.prepare('SELECT max(position) AS p FROM events'),
      first: db.prepare('SELECT recorded_at FROM events WHERE stream_id = ? ORDER BY version ASC LIMIT 1'),
      versionOfId: db.prepare('SELECT version FROM events WHERE stream_id = ? AND event_id = ?'),
      forward: db.prepare(
        `SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND version >= ? AND version <= ? AND recorded_at <= ? ORDER BY version ASC LIMIT ?`,
      ),
      backward: db.prepare(
        `SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND version <= ? AND recorded_at <= ? ORDER BY version DESC LIMIT ?`,
      ),
      after: db.prepare<[number, number], RawRow>(`SELECT ${COLUMNS} FROM events WHERE position > ? ORDER BY position ASC LIMIT ?`).raw(true),
    };
    // Unknown until the file's first fsync of its own: a read that needs it then waits for one.
    this.durableThrough = 0;
    this.stopListening = this.file.onSync({
      // Everything committed before the fsync starts (by any connection) is covered by it.
      before: () => (this.syncingThrough = this.db.open ? this.sql.maxPosition.get()?.p ?? 0 : this.syncingThrough),
      after: () => (this.durableThrough = Math.max(this.durableThrough, this.syncingThrough)),
    });
  }

  /** Waits until rows up to `position` are on disk (at most one fsync), so a read may return them. */
  private async durable(position: number): Promise<void> {
    // SQLite syncs each commit itself (one store on the file, or not FULL): all rows are durable.
    if (!this.file.syncsOffThread || position <= this.durableThrough) return;
    // The fsync running now covers the row if it was committed before that fsync started.
    if (position <= this.syncingThrough) {
      await this.file.syncInFlight();
      if (position <= this.durableThrough) return;
    }
    await this.file.durable();
  }

  async append(streamId: string, events: readonly NewEvent[], expected: ExpectedVersion = 'any'): Promise<AppendResult> {
    this.assertOpen();
    validateAppend(streamId, events);
    // Read the clock here, in the caller's async context: the write may run in another writer's
    // group commit, where a context-bound clock (the migration's ReplayClock) would answer for them.
    const now = this.clock.now().getTime();
    const attempt = await this.file.write((): Attempt => this.appendInTransaction(streamId, events, expected, now));
    if ('result' in attempt) return attempt.result;
    // Slow path, outside the write lock: an exact replay of stored ids wins over any version
    // check; a partial overlap is a DuplicateEventError; otherwise it was a plain conflict.
    const versions = events.map((e) => this.sql.versionOfId.get(streamId, e.eventId)?.version);
    const replay = replayedVersions(streamId, events.map((e) => e.eventId), versions);
    if (replay) {
      const rows = this.sql.forward.all(streamId, replay[0]!, replay[replay.length - 1]!, MAX_TIME, replay.length);
      await this.durable(rows[rows.length - 1]!.position);
      const stored = rows.map(toEvent);
      const last = stored[stored.length - 1]!;
      return { streamId, nextVersion: last.version, position: last.position, events: stored, idempotentReplay: true };
    }
    if ('conflict' in attempt) throw new ConcurrencyError(streamId, expected, attempt.conflict);
    // Ids seen by the UNIQUE index but gone now cannot happen (rows are never deleted): say so loudly.
    throw new Error(`stream ${streamId}: an event id was reported as stored but cannot be found`);
  }

  private appendInTransaction(streamId: string, events: readonly NewEvent[], expected: ExpectedVersion, now: number): Attempt {
    const head = this.sql.head.get(streamId);
    const actual = head?.version ?? 0;
    if (!versionMatches(expected, actual)) return { conflict: actual };
    const recordedAt = monotonicTime(now, head?.recorded_at);
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
      // A failed statement backs out its own rows (SQLite statement atomicity): nothing was written.
      if (sqliteCode(err) === 'SQLITE_CONSTRAINT_UNIQUE') return { idsStored: true };
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
    const rows = await withBusyRetry(this.service, this.busy, () => (r.direction === 'forward'
      ? this.sql.forward.all(streamId, r.fromVersion ?? 0, r.asOfVersion, asOf, r.maxCount)
      : this.sql.backward.all(streamId, Math.min(r.fromVersion ?? Number.MAX_SAFE_INTEGER, r.asOfVersion), asOf, r.maxCount)));
    if (rows.length === 0) return [];
    // Versions grow with positions: the newest row read has the highest position.
    await this.durable(rows[r.direction === 'forward' ? rows.length - 1 : 0]!.position);
    return rows.map(toEvent);
  }

  async readAll(options: ReadAllOptions = {}): Promise<ReadAllPage> {
    this.assertOpen();
    const after = parsePosition('after', options.after);
    const limit = resolveReadAllLimit(options);
    // One row more than the page tells whether the page reached the end.
    const rows = await withBusyRetry(this.service, this.busy, () => this.sql.after.all(after, limit + 1));
    const page = rows.slice(0, limit);
    if (page.length > 0) await this.durable(page[page.length - 1]![0]);
    const events = page.map(rawToEvent);
    const last = events[events.length - 1];
    return { events, checkpoint: last ? last.position : options.after, isEnd: rows.length <= limit };
  }

  async streamInfo(streamId: string): Promise<StreamInfo> {
    this.assertOpen();
    checkStreamId(streamId);
    const { head, first } = await withBusyRetry(this.service, this.busy, () => ({ head: this.sql.head.get(streamId), first: this.sql.first.get(streamId) }));
    if (!head || !first) return { streamId, exists: false, version: 0 };
    await this.durable(head.position);
    return { streamId, exists: true, version: head.version, createdAt: first.recorded_at, updatedAt: head.recorded_at };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopListening();
    await this.file.release();
  }

  private assertOpen(): void {
    if (this.closed || !this.db.open) throw new ClosedStoreError(`SqliteEventStore (${this.service})`);
  }
}

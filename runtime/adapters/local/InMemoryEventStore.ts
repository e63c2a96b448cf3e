/**
 * In-memory EventStore for unit tests and `kind: memory` manifests. Same rules as every other
 * adapter (validateAppend, versionMatches, idempotent replay, typed errors); events are copied
 * through JSON on append and frozen, so callers see exactly what a real store would round-trip.
 * readAll order: global commit order (one log, positions are a sequence number).
 */
import {
  ConcurrencyError, systemClock, validateAppend, versionMatches,
  type AppendResult, type Clock, type EventStore, type ExpectedVersion, type NewEvent, type ReadAllOptions,
  type ReadAllPage, type ReadStreamOptions, type StoredEvent, type StreamInfo,
} from '../../ports';
import {
  checkStreamId, formatPosition, monotonicTime, parsePosition, replayedVersions, resolveReadAllLimit, resolveStreamRead,
} from './StoreOptions';
import { ClosedStoreError } from './ClosedStoreError';

interface StreamState {
  readonly events: StoredEvent[];
  readonly versionById: Map<string, number>;
}

export interface InMemoryEventStoreOptions {
  /** Stamps recordedAt; default the system clock. */
  readonly clock?: Clock;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

export class InMemoryEventStore implements EventStore {
  private readonly clock: Clock;
  private readonly streams = new Map<string, StreamState>();
  /** The global log; index i holds position i + 1. */
  private readonly log: StoredEvent[] = [];
  private closed = false;

  constructor(options: InMemoryEventStoreOptions = {}) {
    this.clock = options.clock ?? systemClock;
  }

  async append(streamId: string, events: readonly NewEvent[], expected: ExpectedVersion = 'any'): Promise<AppendResult> {
    this.assertOpen();
    validateAppend(streamId, events);
    const stream = this.streams.get(streamId);
    const stored = stream?.events ?? [];
    const replay = replayedVersions(
      streamId,
      events.map((e) => e.eventId),
      events.map((e) => stream?.versionById.get(e.eventId)),
    );
    if (replay) {
      const original = replay.map((v) => stored[v - 1]!);
      const last = original[original.length - 1]!;
      return { streamId, nextVersion: last.version, position: last.position, events: original, idempotentReplay: true };
    }
    const actual = stored.length;
    if (!versionMatches(expected, actual)) throw new ConcurrencyError(streamId, expected, actual);

    const recordedAt = monotonicTime(this.clock.now().getTime(), stored[actual - 1]?.recordedAt);
    // Build every record before touching state, so a failure (e.g. unserialisable data) stores nothing.
    const records = events.map((e, i): StoredEvent => {
      const copy = JSON.parse(JSON.stringify({ data: e.data, metadata: e.metadata ?? {} })) as Pick<StoredEvent, 'data' | 'metadata'>;
      return deepFreeze({
        streamId,
        version: actual + i + 1,
        eventId: e.eventId,
        type: e.type,
        schemaVersion: e.schemaVersion,
        data: copy.data,
        metadata: copy.metadata,
        position: formatPosition(this.log.length + i + 1),
        recordedAt,
      });
    });
    const state = stream ?? { events: [], versionById: new Map<string, number>() };
    for (const r of records) {
      state.events.push(r);
      state.versionById.set(r.eventId, r.version);
      this.log.push(r);
    }
    this.streams.set(streamId, state);
    const last = records[records.length - 1]!;
    return { streamId, nextVersion: last.version, position: last.position, events: records, idempotentReplay: false };
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]> {
    this.assertOpen();
    checkStreamId(streamId);
    const read = resolveStreamRead(options);
    const all = this.streams.get(streamId)?.events ?? [];
    // The stream as it was: a prefix bounded by asOfVersion and asOf (recordedAt is monotonic per stream).
    let end = Math.min(all.length, read.asOfVersion);
    if (read.asOfMs !== undefined) {
      const cut = read.asOfMs;
      while (end > 0 && Date.parse(all[end - 1]!.recordedAt) > cut) end--;
    }
    if (read.maxCount === 0) return [];
    if (read.direction === 'forward') {
      const start = Math.max(1, read.fromVersion ?? 1);
      return all.slice(start - 1, Math.min(end, start - 1 + read.maxCount));
    }
    const top = Math.min(end, read.fromVersion ?? end);
    const out: StoredEvent[] = [];
    for (let v = top; v >= 1 && out.length < read.maxCount; v--) out.push(all[v - 1]!);
    return out;
  }

  async readAll(options: ReadAllOptions = {}): Promise<ReadAllPage> {
    this.assertOpen();
    const after = parsePosition('after', options.after);
    const limit = resolveReadAllLimit(options);
    const events = this.log.slice(after, after + limit);
    const last = events[events.length - 1];
    return { events, checkpoint: last ? last.position : options.after, isEnd: after + events.length >= this.log.length };
  }

  async streamInfo(streamId: string): Promise<StreamInfo> {
    this.assertOpen();
    checkStreamId(streamId);
    const events = this.streams.get(streamId)?.events ?? [];
    const first = events[0];
    const last = events[events.length - 1];
    if (!first || !last) return { streamId, exists: false, version: 0 };
    return { streamId, exists: true, version: last.version, createdAt: first.recordedAt, updatedAt: last.recordedAt };
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private assertOpen(): void {
    if (this.closed) throw new ClosedStoreError('InMemoryEventStore');
  }
}

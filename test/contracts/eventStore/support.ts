/**
 * Shared helpers of the EventStore conformance suite: options, event builders, error
 * assertions, and readAll paging that only looks at the streams a case created (so the suite
 * also runs against a store shared with other runs, e.g. one DynamoDB table).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { EventStore, NewEvent, ReadAllPage, StoredEvent } from '../../../runtime/ports';

export interface StoreHandle<S> {
  readonly store: S;
  cleanup(): Promise<void>;
}
export type StoreFactory<S> = () => Promise<StoreHandle<S>>;

export interface EventStoreContractOptions {
  /** Concurrent writers in the contention cases (default 8). */
  readonly writers?: number;
  /** Contention rounds on one stream (default 5): each round all writers race for one version. */
  readonly rounds?: number;
  /** Events each writer lands in the retry-until-success case (default 3). */
  readonly eventsPerWriter?: number;
  /**
   * Tolerated clock skew in ms between this process and whoever stamps recordedAt. Keep 0 when
   * the adapter stamps with its injected clock (local, most cloud adapters); set it only when a
   * server assigns the time (e.g. a database's own now()). Used only by the "recordedAt is the
   * commit time" check; as-of-time cases derive their cut points from stored times, not local time.
   */
  readonly clockSkewMs?: number;
  /** Mocha timeout of the concurrency and tail cases (default 60 s). */
  readonly slowTimeoutMs?: number;
  /** readAll page size used by the paging cases (default 3: many pages). */
  readonly pageSize?: number;
  /**
   * Errors a racing writer may get besides ConcurrencyError, as long as they are retryable
   * (e.g. UnavailableError for SQLITE_BUSY across processes). Default false: only ConcurrencyError.
   */
  readonly allowRetryableContention?: boolean;
}

export interface ResolvedOptions {
  readonly writers: number;
  readonly rounds: number;
  readonly eventsPerWriter: number;
  readonly clockSkewMs: number;
  readonly slowTimeoutMs: number;
  readonly pageSize: number;
  readonly allowRetryableContention: boolean;
}

export function resolveOptions(o: EventStoreContractOptions = {}): ResolvedOptions {
  return {
    writers: o.writers ?? 8,
    rounds: o.rounds ?? 5,
    eventsPerWriter: o.eventsPerWriter ?? 3,
    clockSkewMs: o.clockSkewMs ?? 0,
    slowTimeoutMs: o.slowTimeoutMs ?? 60_000,
    pageSize: o.pageSize ?? 3,
    allowRetryableContention: o.allowRetryableContention ?? false,
  };
}

/** Everything one case needs: the store under test and a fresh tenant-qualified stream namer. */
export interface Ctx {
  readonly store: EventStore;
  readonly opts: ResolvedOptions;
  /** A stream id unique to this run, `<tenant>:<Aggregate>-<id>` like the runtime's. */
  stream(aggregate?: string): string;
}

const RUN = randomUUID().slice(0, 8);
let counter = 0;
export function newStreamId(aggregate = 'Order'): string {
  counter += 1;
  return `t${RUN}:${aggregate}-${counter}-${randomUUID().slice(0, 8)}`;
}

export function ev(type = 'OrderPlaced', data: Record<string, unknown> = { n: 1 }, extra: Partial<NewEvent> = {}): NewEvent {
  return { eventId: randomUUID(), type, schemaVersion: 1, data, ...extra };
}

export function evs(count: number, type = 'ItemAdded'): NewEvent[] {
  return Array.from({ length: count }, (_, i) => ev(type, { i }));
}

/** An event whose eventSize() (JSON of {data, metadata}) is exactly `bytes`. */
export function eventOfSize(bytes: number, type = 'BlobAttached'): NewEvent {
  const overhead = Buffer.byteLength(JSON.stringify({ data: { blob: '' }, metadata: {} }), 'utf8');
  assert.ok(bytes >= overhead, `cannot build an event smaller than ${overhead} bytes`);
  return ev(type, { blob: 'x'.repeat(bytes - overhead) });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Awaits a rejection, asserts it with the guard, and returns the typed error. */
export async function rejects<E>(p: Promise<unknown>, guard: (e: unknown) => e is E, what: string): Promise<E> {
  let result: unknown;
  try {
    result = await p;
  } catch (err) {
    assert.ok(guard(err), `expected ${what}, got ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
    return err;
  }
  assert.fail(`expected ${what}, but the call succeeded with ${JSON.stringify(result)?.slice(0, 300)}`);
}

/** Asserts a stream holds exactly versions 1..n in order with no duplicate event id. */
export function assertContiguous(events: readonly StoredEvent[], n: number, streamId: string): void {
  assert.equal(events.length, n, `stream ${streamId}: expected ${n} events, found ${events.length}`);
  events.forEach((e, i) => {
    assert.equal(e.version, i + 1, `stream ${streamId}: gap or reorder at index ${i} (version ${e.version})`);
    assert.equal(e.streamId, streamId);
  });
  assert.equal(new Set(events.map((e) => e.eventId)).size, n, `stream ${streamId}: duplicate event ids`);
}

/** Checkpoint at the current end of the log (so a case sees only what it writes after). */
export async function endCheckpoint(store: EventStore): Promise<string | undefined> {
  let after: string | undefined;
  for (;;) {
    const page: ReadAllPage = await store.readAll({ after, limit: 1000 });
    after = page.checkpoint;
    if (page.isEnd) return after;
  }
}

/** Pages readAll from `after` to the end with `limit`, keeping events of `streams` only. */
export async function readAllOf(
  store: EventStore,
  streams: ReadonlySet<string>,
  after: string | undefined,
  limit: number,
): Promise<{ events: StoredEvent[]; checkpoint: string | undefined; pages: number }> {
  const events: StoredEvent[] = [];
  let pages = 0;
  for (;;) {
    const page = await store.readAll({ after, limit });
    pages += 1;
    assert.ok(page.events.length <= limit, `readAll returned ${page.events.length} events for limit ${limit}`);
    events.push(...page.events.filter((e) => streams.has(e.streamId)));
    if (page.events.length > 0) assert.notEqual(page.checkpoint, after, 'a non-empty page must move the checkpoint');
    after = page.checkpoint;
    if (page.isEnd) return { events, checkpoint: after, pages };
    assert.ok(pages < 100_000, 'readAll never reported isEnd');
  }
}

/** Asserts each event appears once and each stream's events are in ascending version order. */
export function assertOncePerStreamOrder(events: readonly StoredEvent[]): void {
  const seen = new Set<string>();
  const lastVersion = new Map<string, number>();
  for (const e of events) {
    assert.ok(!seen.has(e.eventId), `event ${e.eventId} (${e.streamId} v${e.version}) delivered twice`);
    seen.add(e.eventId);
    const prev = lastVersion.get(e.streamId) ?? 0;
    assert.ok(e.version > prev, `stream ${e.streamId}: v${e.version} after v${prev} (out of order)`);
    lastVersion.set(e.streamId, e.version);
  }
}

export const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

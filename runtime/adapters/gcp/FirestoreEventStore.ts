/**
 * EventStore on Cloud Firestore (ADR 0060, 0061). One immutable document per event, keyed by
 * stream and version; no stream-head document, so an append writes only new documents and no
 * document is ever rewritten (Firestore's ~1 sustained write/s per document never applies).
 *
 * append = one probe query + one atomic batch of `create`s:
 *  - the probe reads, in one snapshot, the documents at versions n and n+1 and any document of
 *    this stream holding one of the proposed event ids (n = expected version, or the last
 *    version for 'any'): it proves the stream is at n and finds idempotent replays;
 *  - the batch `create`s versions n+1..n+k; `create` fails with ALREADY_EXISTS if a racing
 *    writer took n+1 first, so the batch commits only if the stream is still at n (documents
 *    are never deleted and versions have no gaps). A failed batch stores nothing.
 * Billable cost of an append of k events at a known version: 1 read + k writes.
 * readAll order and its settle window: see FirestoreReadAll.ts.
 */
import { Filter, type CollectionReference, type Firestore } from '@google-cloud/firestore';
import {
  ConcurrencyError, EventTooLargeError, InvalidArgumentError, MAX_APPEND_BYTES, MAX_EVENT_BYTES, UnavailableError, systemClock, validateAppend,
  type AppendResult, type Clock, type EventStore, type ExpectedVersion, type NewEvent, type ReadAllOptions,
  type ReadAllPage, type ReadStreamOptions, type StoredEvent, type StreamInfo,
} from '../../ports';
import { checkStreamId, replayedVersions, resolveStreamRead } from '../local/StoreOptions';
import { EventDoc, MAX_VERSION, eventDocId, fromEventDoc, toEventDoc } from './firestoreEventDocs';
import { FirestoreReadAll } from './FirestoreReadAll';
import { GrpcCode, isGrpc, translateTransient } from './googleErrors';

export interface FirestoreEventStoreOptions {
  readonly firestore: Firestore;
  /** Collection names start with this (manifest `collectionPrefix`, e.g. "nexus_"). */
  readonly collectionPrefix: string;
  /** Stamps recordedAt and the readAll order key; default the system clock. */
  readonly clock?: Clock;
  /** readAll settle window in ms (FirestoreReadAll.ts); default 2000. */
  readonly settleMs?: number;
  /** Attempts of an 'any' append that keeps losing races before UnavailableError; default 10. */
  readonly maxAnyAttempts?: number;
}

/** Firestore allows at most 30 disjunctions per query: 28 event ids + versions n and n+1. */
const IDS_PER_PROBE = 28;
const SERVICE = 'Firestore event store';

interface Probe {
  readonly dups: ReadonlyMap<string, EventDoc>;
  readonly atN: EventDoc | undefined;
  readonly afterN: boolean;
}

/**
 * What a failed append batch means: 'lost-race' (ALREADY_EXISTS: a racing writer created one of
 * the versions; ABORTED: contention) or the port error to throw — EventTooLargeError when
 * Firestore refuses the size, InvalidArgumentError for another refusal, UnavailableError when
 * transient. Exported for the SDK-boundary tests.
 */
export function commitError(err: unknown, docs: readonly EventDoc[]): 'lost-race' | Error {
  if (isGrpc(err, GrpcCode.ALREADY_EXISTS) || isGrpc(err, GrpcCode.ABORTED)) return 'lost-race';
  const streamId = docs[0]?.streamId ?? '?';
  const message = err instanceof Error ? err.message : String(err);
  if (isGrpc(err, GrpcCode.INVALID_ARGUMENT) && /exceeds|too (big|large)|maximum .*size|size limit/i.test(message)) {
    const bytes = docs.reduce((n, d) => n + Buffer.byteLength(d.data) + Buffer.byteLength(d.metadata), 0);
    return new EventTooLargeError(streamId, docs.length === 1 ? docs[0]!.eventId : undefined, bytes, docs.length === 1 ? MAX_EVENT_BYTES : MAX_APPEND_BYTES);
  }
  if (isGrpc(err, GrpcCode.INVALID_ARGUMENT)) return new InvalidArgumentError('events', `Firestore rejected the append to ${streamId}: ${message}`);
  const translated = translateTransient(SERVICE, err);
  return translated instanceof Error ? translated : new Error(String(translated));
}

export class FirestoreEventStore implements EventStore {
  readonly events: CollectionReference;
  private readonly clock: Clock;
  private readonly reader: FirestoreReadAll;
  private readonly maxAnyAttempts: number;

  constructor(private readonly options: FirestoreEventStoreOptions) {
    this.events = options.firestore.collection(`${options.collectionPrefix}events`);
    this.clock = options.clock ?? systemClock;
    this.reader = new FirestoreReadAll(this.events, options.settleMs ?? 2000);
    this.maxAnyAttempts = options.maxAnyAttempts ?? 10;
  }

  async append(streamId: string, events: readonly NewEvent[], expected: ExpectedVersion = 'any'): Promise<AppendResult> {
    validateAppend(streamId, events);
    const ids = events.map((e) => e.eventId);
    for (let attempt = 1; ; attempt++) {
      const n = expected === 'any' ? await this.lastVersion(streamId) : expected === 'no_stream' ? 0 : expected;
      if (!Number.isInteger(n) || n < 0) throw new ConcurrencyError(streamId, expected, await this.lastVersion(streamId));
      const probe = await this.probe(streamId, ids, n);
      if (probe.dups.size > 0) return this.replay(streamId, ids, probe.dups);
      if ((n > 0 && !probe.atN) || probe.afterN) {
        if (expected !== 'any') throw new ConcurrencyError(streamId, expected, await this.lastVersion(streamId));
      } else {
        const ts = Math.max(this.clock.now().getTime(), probe.atN?.ts ?? 0);
        const docs = events.map((e, i) => toEventDoc(streamId, n + i + 1, ts, e));
        if (await this.commit(docs)) {
          const stored = docs.map((d) => fromEventDoc(d as unknown as Record<string, unknown>));
          const last = stored[stored.length - 1]!;
          return { streamId, nextVersion: last.version, position: last.position, events: stored, idempotentReplay: false };
        }
        // Lost the race for n+1: probe again (a replay of the same ids, or a conflict).
      }
      if (attempt >= this.maxAnyAttempts) {
        throw new UnavailableError(SERVICE, `stream ${streamId}: lost ${attempt} races in a row for an 'any' append; retry later`);
      }
    }
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]> {
    checkStreamId(streamId);
    const read = resolveStreamRead(options);
    const top = Math.min(read.asOfVersion, MAX_VERSION);
    if (read.maxCount === 0 || top < 1) return [];
    const forward = read.direction === 'forward';
    const from = forward ? Math.max(1, read.fromVersion ?? 1) : Math.min(top, read.fromVersion ?? top);
    const to = forward ? top : 1;
    if (forward ? from > to : from < 1) return [];
    const out: StoredEvent[] = [];
    // recordedAt grows with version, so an as-of-time read is a prefix of the stream: forward
    // stops at the first later event; backward skips the later ones at the top first.
    const pageSize = read.asOfMs === undefined ? Math.min(read.maxCount, 1000) : 200;
    let next = from;
    for (;;) {
      const q = this.events.where('streamId', '==', streamId)
        .where('version', forward ? '>=' : '<=', next)
        .where('version', forward ? '<=' : '>=', to)
        .orderBy('version', forward ? 'asc' : 'desc')
        .limit(pageSize);
      const snap = await this.run(() => q.get());
      for (const doc of snap.docs) {
        const e = fromEventDoc(doc.data());
        if (read.asOfMs !== undefined && Date.parse(e.recordedAt) > read.asOfMs) {
          if (forward) return out;
          continue;
        }
        out.push(e);
        if (out.length >= read.maxCount) return out;
      }
      if (snap.docs.length < pageSize) return out;
      next = (snap.docs[snap.docs.length - 1]!.get('version') as number) + (forward ? 1 : -1);
    }
  }

  readAll(options: ReadAllOptions = {}): Promise<ReadAllPage> {
    return this.reader.read(options).catch((err: unknown) => {
      throw translateTransient(SERVICE, err);
    });
  }

  async streamInfo(streamId: string): Promise<StreamInfo> {
    checkStreamId(streamId);
    const [first, last] = await Promise.all([this.edge(streamId, 'asc'), this.edge(streamId, 'desc')]);
    if (!first || !last) return { streamId, exists: false, version: 0 };
    return { streamId, exists: true, version: last.version, createdAt: first.recordedAt, updatedAt: last.recordedAt };
  }

  async close(): Promise<void> {
    await this.options.firestore.terminate();
  }

  /** The first or last event document of a stream (one query, 1 billable read). */
  private async edge(streamId: string, dir: 'asc' | 'desc'): Promise<EventDoc | undefined> {
    const q = this.events.where('streamId', '==', streamId).orderBy('version', dir).limit(1);
    const snap = await this.run(() => q.get());
    return snap.docs[0]?.data() as EventDoc | undefined;
  }

  private async lastVersion(streamId: string): Promise<number> {
    return (await this.edge(streamId, 'desc'))?.version ?? 0;
  }

  /** One snapshot: documents at n and n+1, and this stream's documents holding any of `ids`. */
  private async probe(streamId: string, ids: readonly string[], n: number): Promise<Probe> {
    const versions = n === 0 ? [1] : [n, n + 1];
    const chunks: string[][] = [];
    for (let i = 0; i < ids.length; i += IDS_PER_PROBE) chunks.push(ids.slice(i, i + IDS_PER_PROBE));
    const inStream = (f: Filter): Filter => Filter.and(Filter.where('streamId', '==', streamId), f);
    const first = this.events.where(inStream(Filter.or(Filter.where('eventId', 'in', chunks[0]), Filter.where('version', 'in', versions))));
    const snaps = [await this.run(() => first.get())];
    // Further id chunks are read after the version check: a racing commit after it must have
    // created n+1 (the stream was at n), which makes our batch fail, so later reads suffice.
    for (const chunk of chunks.slice(1)) snaps.push(await this.run(() => this.events.where(inStream(Filter.where('eventId', 'in', chunk))).get()));
    const wanted = new Set(ids);
    const dups = new Map<string, EventDoc>();
    let atN: EventDoc | undefined;
    let afterN = false;
    for (const doc of snaps.flatMap((s) => s.docs)) {
      const d = doc.data() as EventDoc;
      if (wanted.has(d.eventId)) dups.set(d.eventId, d);
      if (d.version === n) atN = d;
      if (d.version > n) afterN = true;
    }
    return { dups, atN, afterN };
  }

  private replay(streamId: string, ids: readonly string[], dups: ReadonlyMap<string, EventDoc>): AppendResult {
    const versions = replayedVersions(streamId, ids, ids.map((id) => dups.get(id)?.version))!;
    const stored = versions.map((v) => fromEventDoc([...dups.values()].find((d) => d.version === v) as unknown as Record<string, unknown>));
    const last = stored[stored.length - 1]!;
    return { streamId, nextVersion: last.version, position: last.position, events: stored, idempotentReplay: true };
  }

  /** Creates the documents atomically; false when another writer created one of them first. */
  private async commit(docs: readonly EventDoc[]): Promise<boolean> {
    const batch = this.options.firestore.batch();
    for (const d of docs) batch.create(this.events.doc(eventDocId(d.streamId, d.version)), { ...d });
    try {
      await batch.commit();
      return true;
    } catch (err) {
      const lostRace = commitError(err, docs);
      if (lostRace === 'lost-race') return false;
      throw lostRace;
    }
  }

  private async run<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      throw translateTransient(SERVICE, err);
    }
  }
}

/**
 * EventStore on Azure Cosmos DB for NoSQL (ADR 0070, 0071). Container `events`, partition key
 * `/streamId`: a stream is one logical partition holding a head item and one immutable item per
 * event (cosmosEventDocs.ts). An append is ONE transactional batch (cosmosAppend.ts): head
 * Replace-with-IfMatch (or Create) + event Creates, all or nothing on Cosmos DB.
 *
 * Cost: the head's etag is remembered from the last readStream/append of the stream in this
 * process, so a command (readStream, then append at the version it read) costs one query and
 * one batch. A stale etag costs one failed batch plus one point read of the head. Event ids are
 * checked by the batch itself (item id = event id); only a conflict or a duplicate runs a query
 * to tell a replay (same ids, same order) from a DuplicateEventError.
 */
import type { Container, SqlQuerySpec } from '@azure/cosmos';
import {
  ConcurrencyError, EventTooLargeError, MAX_APPEND_BYTES, UnavailableError, systemClock, validateAppend, versionMatches,
  type AppendResult, type Clock, type EventStore, type ExpectedVersion, type NewEvent, type ReadAllOptions, type ReadAllPage,
  type ReadStreamOptions, type StoredEvent, type StreamInfo,
} from '../../ports';
import { ClosedStoreError } from '../local/ClosedStoreError';
import { checkStreamId, replayedVersions, resolveStreamRead } from '../local/StoreOptions';
import { ABSENT_HEAD, appendOperations, readBatchOutcome, type HeadState } from './cosmosAppend';
import { CosmosStatus, cosmosCall, cosmosStatus, readOrUndefined, retryAfterMs, translateCosmos } from './cosmosErrors';
import { HEAD_ID, MAX_VERSION, eventItemId, fromEventItem, toEventItem, type HeadItem } from './cosmosEventDocs';
import { CosmosReadAll } from './CosmosReadAll';

export interface CosmosEventStoreOptions {
  /** The `events` container (partition key /streamId). */
  readonly container: Container;
  /** Stamps recordedAt and the readAll order key; default the system clock. */
  readonly clock?: Clock;
  /** readAll settle window in ms (CosmosReadAll.ts); default 2000. */
  readonly settleMs?: number;
  /** Attempts of an append that keeps losing races before UnavailableError; default 20. */
  readonly maxAttempts?: number;
  /** Streams whose head etag is remembered (a hint, never trusted: IfMatch checks it); default 10,000. */
  readonly headCacheSize?: number;
}

const SERVICE = 'Cosmos DB events container';

export class CosmosEventStore implements EventStore {
  readonly container: Container;
  private readonly clock: Clock;
  private readonly reader: CosmosReadAll;
  private readonly maxAttempts: number;
  private readonly cacheSize: number;
  private readonly heads = new Map<string, HeadState>();
  private closed = false;

  constructor(options: CosmosEventStoreOptions) {
    this.container = options.container;
    this.clock = options.clock ?? systemClock;
    this.reader = new CosmosReadAll(this.container, this.clock, options.settleMs ?? 2000);
    this.maxAttempts = options.maxAttempts ?? 20;
    this.cacheSize = options.headCacheSize ?? 10_000;
  }

  async append(streamId: string, events: readonly NewEvent[], expected: ExpectedVersion = 'any'): Promise<AppendResult> {
    this.assertOpen();
    validateAppend(streamId, events);
    let head = this.heads.get(streamId);
    let fresh = false;
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      if (!head) {
        head = await this.readHead(streamId);
        fresh = true;
      }
      if (!versionMatches(expected, head.version)) {
        if (!fresh) {
          head = undefined; // the remembered head may be stale: read it before deciding
          continue;
        }
        const replay = await this.findReplay(streamId, events);
        if (replay) return replay;
        throw new ConcurrencyError(streamId, expected, head.version);
      }
      const ts = Math.max(this.clock.now().getTime(), head.updatedAt ? Date.parse(head.updatedAt) : 0);
      const items = events.map((e, i) => toEventItem(streamId, head!.version + i + 1, ts, e));
      const outcome = readBatchOutcome(await this.batch(streamId, appendOperations(streamId, head, items)));
      if (outcome.kind === 'ok') {
        const last = items[items.length - 1]!;
        this.remember(streamId, { version: last.version, etag: outcome.headEtag, createdAt: head.createdAt ?? items[0]!.recordedAt, updatedAt: last.recordedAt });
        const stored = items.map((item) => fromEventItem(item as unknown as Record<string, unknown>)!);
        return { streamId, nextVersion: last.version, position: last.position, events: stored, idempotentReplay: false };
      }
      this.heads.delete(streamId);
      head = undefined;
      fresh = false;
      if (outcome.kind === 'duplicate') {
        const replay = await this.findReplay(streamId, events);
        if (replay) return replay;
      } else if (outcome.kind === 'failed') {
        if (outcome.status === CosmosStatus.TooLarge) throw new EventTooLargeError(streamId, undefined, MAX_APPEND_BYTES + 1, MAX_APPEND_BYTES);
        if (outcome.status !== CosmosStatus.TooManyRequests && outcome.status !== CosmosStatus.ServiceUnavailable && outcome.status !== 424) {
          throw new UnavailableError(SERVICE, `append to ${streamId}: batch operation ${outcome.operation} failed with HTTP ${outcome.status}`);
        }
        await backoff(attempt);
      } else if (expected === 'any') {
        await backoff(attempt);
      }
    }
    throw new UnavailableError(SERVICE, `append to ${streamId}: still contended after ${this.maxAttempts} attempts; retry later`);
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]> {
    this.assertOpen();
    checkStreamId(streamId);
    const read = resolveStreamRead(options);
    if (read.maxCount === 0) return [];
    const forward = read.direction === 'forward';
    const top = Math.min(read.asOfVersion, MAX_VERSION);
    const lo = forward ? Math.max(1, read.fromVersion ?? 1) : 1;
    const hi = forward ? top : Math.min(top, read.fromVersion ?? top);
    if (hi < lo) return [];
    // recordedAt never goes backwards within a stream, so "as of a time" is a version prefix.
    const asOf = read.asOfMs === undefined ? '' : ' AND c.recordedAt <= @asOf';
    // Only a bounded read needs the server's ORDER BY; a whole range is read and sorted here.
    const bounded = read.maxCount < Number.MAX_SAFE_INTEGER;
    const spec: SqlQuerySpec = {
      query: `SELECT * FROM c WHERE c.streamId = @s AND ((c.kind = "event" AND c.version >= @lo AND c.version <= @hi${asOf}) OR c.id = @head)${bounded ? ` ORDER BY c.version ${forward ? 'ASC' : 'DESC'}` : ''}`,
      parameters: [
        { name: '@s', value: streamId }, { name: '@lo', value: lo }, { name: '@hi', value: hi }, { name: '@head', value: HEAD_ID },
        ...(read.asOfMs === undefined ? [] : [{ name: '@asOf', value: new Date(read.asOfMs).toISOString() }]),
      ],
    };
    const out: StoredEvent[] = [];
    let sawHead = false;
    const pageSize = Math.min(read.maxCount + 1, 1000);
    const iterator = this.container.items.query<Record<string, unknown>>(spec, { partitionKey: streamId, maxItemCount: pageSize });
    while (iterator.hasMoreResults() && out.length < read.maxCount) {
      const page = await cosmosCall(SERVICE, () => iterator.fetchNext());
      for (const item of page.resources) {
        if (item['id'] === HEAD_ID) {
          sawHead = true;
          this.remember(streamId, headStateOf(item as unknown as HeadItem));
          continue;
        }
        const e = fromEventItem(item);
        if (e && out.length < read.maxCount) out.push(e);
      }
    }
    // A read that saw the whole partition without a head: the stream is new (a hint for append).
    if (!sawHead && !iterator.hasMoreResults()) this.remember(streamId, ABSENT_HEAD);
    if (!bounded) out.sort((a, b) => (forward ? a.version - b.version : b.version - a.version));
    return out;
  }

  readAll(options: ReadAllOptions = {}): Promise<ReadAllPage> {
    this.assertOpen();
    return this.reader.read(options).catch((err: unknown) => {
      throw translateCosmos(SERVICE, err);
    });
  }

  async streamInfo(streamId: string): Promise<StreamInfo> {
    this.assertOpen();
    checkStreamId(streamId);
    const head = await this.readHead(streamId);
    if (head.version === 0) return { streamId, exists: false, version: 0 };
    return { streamId, exists: true, version: head.version, createdAt: head.createdAt, updatedAt: head.updatedAt };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.heads.clear();
  }

  /** Point read of the stream head (1 RU); remembers its etag. */
  private async readHead(streamId: string): Promise<HeadState> {
    const found = await readOrUndefined<HeadItem>(SERVICE, () => this.container.item(HEAD_ID, streamId).read<HeadItem>());
    const head = found ? headStateOf(found.resource) : ABSENT_HEAD;
    if (found) this.remember(streamId, head);
    return head;
  }

  /** The append as an idempotent replay (every id stored, same order), undefined when no id is stored; DuplicateEventError otherwise. */
  private async findReplay(streamId: string, events: readonly NewEvent[]): Promise<AppendResult | undefined> {
    const ids = events.map((e) => e.eventId);
    const spec: SqlQuerySpec = {
      query: 'SELECT * FROM c WHERE c.streamId = @s AND ARRAY_CONTAINS(@ids, c.id)',
      parameters: [{ name: '@s', value: streamId }, { name: '@ids', value: ids.map(eventItemId) }],
    };
    const { resources } = await cosmosCall(SERVICE, () => this.container.items.query<Record<string, unknown>>(spec, { partitionKey: streamId }).fetchAll());
    const byId = new Map(resources.map(fromEventItem).filter((e): e is StoredEvent => e !== undefined).map((e) => [e.eventId, e]));
    const versions = replayedVersions(streamId, ids, ids.map((id) => byId.get(id)?.version));
    if (!versions) return undefined;
    const stored = ids.map((id) => byId.get(id)!);
    const last = stored[stored.length - 1]!;
    return { streamId, nextVersion: last.version, position: last.position, events: stored, idempotentReplay: true };
  }

  private async batch(streamId: string, operations: Parameters<Container['items']['batch']>[0]) {
    try {
      const response = await this.container.items.batch(operations, streamId);
      return response.result;
    } catch (err) {
      const status = cosmosStatus(err);
      if (status === CosmosStatus.TooLarge) throw new EventTooLargeError(streamId, undefined, MAX_APPEND_BYTES + 1, MAX_APPEND_BYTES);
      const translated = translateCosmos(SERVICE, err);
      if (translated !== err) throw translated;
      throw new UnavailableError(SERVICE, `append to ${streamId}: ${err instanceof Error ? err.message : String(err)}`, {
        cause: err, ...(retryAfterMs(err) !== undefined ? { retryAfterMs: retryAfterMs(err) } : {}),
      });
    }
  }

  private remember(streamId: string, head: HeadState): void {
    this.heads.delete(streamId);
    this.heads.set(streamId, head);
    if (this.heads.size > this.cacheSize) this.heads.delete(this.heads.keys().next().value!);
  }

  private assertOpen(): void {
    if (this.closed) throw new ClosedStoreError('CosmosEventStore');
  }
}

function headStateOf(item: HeadItem): HeadState {
  return { version: item.version, etag: (item as { _etag?: string })._etag, createdAt: item.createdAt, updatedAt: item.updatedAt };
}

function backoff(attempt: number): Promise<void> {
  const ms = Math.min(200, 5 * 2 ** Math.min(attempt, 6)) * (0.5 + Math.random());
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * EventStore on DynamoDB (ADR 0050). Streams are item collections (pk = stream id) read in
 * version order through the byVersion LSI with strongly consistent reads; an append is one
 * conditional TransactWriteItems (see dynamoDbAppend.ts); readAll follows the gap-free per-shard
 * log sequence through the `log` GSI (see DynamoDbGlobalLog.ts). A command with a known expected
 * version costs one Query and one TransactWriteItems.
 */
import {
  GetItemCommand, QueryCommand, TransactionCanceledException, TransactWriteItemsCommand, type DynamoDBClient, type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import {
  ConcurrencyError, EventTooLargeError, MAX_APPEND_BYTES, UnavailableError, systemClock, validateAppend, versionMatches,
  type AppendResult, type Clock, type EventStore, type ExpectedVersion, type NewEvent, type ReadAllOptions, type ReadAllPage,
  type ReadStreamOptions, type StoredEvent, type StreamInfo,
} from '../../ports';
import { checkStreamId, monotonicTime, replayedVersions, resolveStreamRead } from '../local/StoreOptions';
import { ClosedStoreError } from '../local/ClosedStoreError';
import { ATTR, HEAD_SK, LSI_BY_VERSION } from './dynamoDbSchema';
import { EV, HEAD, N, S, num, shardOf, str, toStoredEvent, type Item } from './dynamoDbEventItems';
import { appendTransaction, readCancellation } from './dynamoDbAppend';
import { DynamoDbGlobalLog } from './DynamoDbGlobalLog';
import { errorName, isItemTooLarge, translateAwsError } from './awsErrors';

export interface DynamoDbEventStoreOptions {
  readonly client: DynamoDBClient;
  readonly table: string;
  /** Stamps recordedAt; default the system clock. */
  readonly clock?: Clock;
  /** Log shards (ADR 0050): 1 = one total order; more = more write throughput, vector checkpoints. Default 1. */
  readonly logShards?: number;
  /** Attempts for transaction conflicts and stale log counters before UnavailableError; default 20. */
  readonly maxAttempts?: number;
}

export class DynamoDbEventStore implements EventStore {
  private readonly client: DynamoDBClient;
  private readonly table: string;
  private readonly clock: Clock;
  private readonly shards: number;
  private readonly maxAttempts: number;
  /** Last counter value seen per log shard; a stale value costs one failed attempt, not a read. */
  private readonly counters = new Map<number, number>();
  private readonly log: DynamoDbGlobalLog;
  private closed = false;

  constructor(options: DynamoDbEventStoreOptions) {
    this.client = options.client;
    this.table = options.table;
    this.clock = options.clock ?? systemClock;
    this.shards = options.logShards ?? 1;
    this.maxAttempts = options.maxAttempts ?? 20;
    this.log = new DynamoDbGlobalLog(this.client, this.table, this.shards);
  }

  async append(streamId: string, events: readonly NewEvent[], expected: ExpectedVersion = 'any'): Promise<AppendResult> {
    this.assertOpen();
    validateAppend(streamId, events);
    const shard = shardOf(streamId, this.shards);
    let known: { version: number; updatedAt: string | undefined } | undefined;
    if (expected === 'any') known = await this.tail(streamId);
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const base = expected === 'any' ? known!.version : expected === 'no_stream' ? 0 : expected;
      const recordedAt = monotonicTime(this.clock.now().getTime(), known?.updatedAt);
      const counter = this.counters.get(shard);
      try {
        await this.client.send(new TransactWriteItemsCommand({
          TransactItems: appendTransaction({ table: this.table, streamId, events, base, recordedAt, shard, counter }),
        }));
        this.counters.set(shard, (counter ?? 0) + events.length);
        const stored = events.map((e, i) => toStoredEvent(
          { [ATTR.pk]: S(streamId), [ATTR.sk]: S(e.eventId), [ATTR.version]: N(base + i + 1), [ATTR.logShard]: S(String(shard)),
            [ATTR.logSeq]: N((counter ?? 0) + i + 1), [EV.type]: S(e.type), [EV.schemaVersion]: N(e.schemaVersion),
            [EV.data]: S(JSON.stringify(e.data)), [EV.metadata]: S(JSON.stringify(e.metadata ?? {})), [EV.recordedAt]: S(recordedAt) },
          this.shards,
        ));
        const last = stored[stored.length - 1]!;
        return { streamId, nextVersion: last.version, position: last.position, events: stored, idempotentReplay: false };
      } catch (err) {
        if (!(err instanceof TransactionCanceledException)) throw this.translate(err, streamId);
        const why = readCancellation(err, events.length);
        if (why.anyStored) {
          const versions = replayedVersions(streamId, events.map((e) => e.eventId), why.storedVersions);
          if (versions) return this.replay(streamId, versions);
        }
        if (why.counter !== undefined) this.counters.set(shard, why.counter);
        if (why.head) {
          if (expected !== 'any' && !versionMatches(expected, why.head.version)) {
            throw new ConcurrencyError(streamId, expected, why.head.version);
          }
          known = why.head; // 'any' moves to the actual version; a lagging clock moves to the stored time
        }
        if (why.conflict) await backoff(attempt);
        else if (why.counter === undefined && !why.head) {
          throw new UnavailableError('DynamoDB events table', `append to ${streamId} cancelled: ${why.codes.join(', ')}`, { cause: err });
        }
      }
    }
    throw new UnavailableError('DynamoDB events table', `append to ${streamId}: still contended after ${this.maxAttempts} attempts`);
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]> {
    this.assertOpen();
    checkStreamId(streamId);
    const read = resolveStreamRead(options);
    if (read.maxCount === 0) return [];
    const forward = read.direction === 'forward';
    const low = forward ? Math.max(1, read.fromVersion ?? 1) : 1;
    const high = forward ? read.asOfVersion : Math.min(read.asOfVersion, read.fromVersion ?? Number.MAX_SAFE_INTEGER);
    if (high < low) return [];
    const input: QueryCommandInput = {
      TableName: this.table,
      IndexName: LSI_BY_VERSION,
      ConsistentRead: true,
      ScanIndexForward: forward,
      KeyConditionExpression: '#pk = :s AND #v BETWEEN :lo AND :hi',
      ExpressionAttributeNames: { '#pk': ATTR.pk, '#v': ATTR.version, ...(read.asOfMs === undefined ? {} : { '#at': EV.recordedAt }) },
      ExpressionAttributeValues: {
        ':s': S(streamId), ':lo': N(low), ':hi': N(Math.min(high, Number.MAX_SAFE_INTEGER)),
        ...(read.asOfMs === undefined ? {} : { ':asOf': S(new Date(read.asOfMs).toISOString()) }),
      },
      // recordedAt is monotonic per stream, so "as of a time" is a version prefix: a filter is exact.
      ...(read.asOfMs === undefined ? {} : { FilterExpression: '#at <= :asOf' }),
    };
    const out: StoredEvent[] = [];
    let startKey: Item | undefined;
    do {
      const remaining = read.maxCount - out.length;
      const page = await this.query({ ...input, ExclusiveStartKey: startKey, Limit: Math.min(remaining, 1000) }, streamId);
      for (const item of page.Items ?? []) out.push(toStoredEvent(item, this.shards));
      startKey = page.LastEvaluatedKey;
    } while (startKey && out.length < read.maxCount);
    return out.slice(0, read.maxCount);
  }

  async readAll(options: ReadAllOptions = {}): Promise<ReadAllPage> {
    this.assertOpen();
    try {
      return await this.log.read(options);
    } catch (err) {
      throw translateAwsError(err, `DynamoDB table ${this.table} (log index)`);
    }
  }

  async streamInfo(streamId: string): Promise<StreamInfo> {
    this.assertOpen();
    checkStreamId(streamId);
    let head: Item | undefined;
    try {
      head = (await this.client.send(new GetItemCommand({
        TableName: this.table, Key: { [ATTR.pk]: S(streamId), [ATTR.sk]: S(HEAD_SK) }, ConsistentRead: true,
      }))).Item;
    } catch (err) {
      throw this.translate(err, streamId);
    }
    const version = num(head, HEAD.version);
    if (version === undefined) return { streamId, exists: false, version: 0 };
    return { streamId, exists: true, version, createdAt: str(head, HEAD.createdAt), updatedAt: str(head, HEAD.updatedAt) };
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** Current version and time of a stream from its last event (one Query, Limit 1). */
  private async tail(streamId: string): Promise<{ version: number; updatedAt: string | undefined }> {
    const page = await this.query({
      TableName: this.table, IndexName: LSI_BY_VERSION, ConsistentRead: true, ScanIndexForward: false, Limit: 1,
      KeyConditionExpression: '#pk = :s', ExpressionAttributeNames: { '#pk': ATTR.pk }, ExpressionAttributeValues: { ':s': S(streamId) },
    }, streamId);
    const last = page.Items?.[0];
    return { version: num(last, ATTR.version) ?? 0, updatedAt: str(last, EV.recordedAt) };
  }

  private async replay(streamId: string, versions: number[]): Promise<AppendResult> {
    const stored = await this.readStream(streamId, { fromVersion: versions[0]!, maxCount: versions.length });
    const last = stored[stored.length - 1]!;
    return { streamId, nextVersion: last.version, position: last.position, events: stored, idempotentReplay: true };
  }

  private async query(input: QueryCommandInput, streamId: string) {
    try {
      return await this.client.send(new QueryCommand(input));
    } catch (err) {
      throw this.translate(err, streamId);
    }
  }

  private translate(err: unknown, streamId: string): unknown {
    if (isItemTooLarge(err)) return new EventTooLargeError(streamId, undefined, MAX_APPEND_BYTES + 1, MAX_APPEND_BYTES);
    if (errorName(err) === 'ResourceNotFoundException') {
      return new UnavailableError('DynamoDB events table', `table ${this.table} does not exist (stream ${streamId})`, { cause: err });
    }
    return translateAwsError(err, `DynamoDB table ${this.table}`);
  }

  private assertOpen(): void {
    if (this.closed) throw new ClosedStoreError('DynamoDbEventStore');
  }
}

function backoff(attempt: number): Promise<void> {
  const ms = Math.min(200, 5 * 2 ** Math.min(attempt, 6)) * (0.5 + Math.random());
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * EventBus core path on Kinesis Data Streams (ADR 0051): publish = PutRecords with partition key
 * = stream id, in rounds that hold at most one record per key, so a partially failed request is
 * retried before any later record of the same key is sent (PutRecords alone does not keep order
 * across retries). Consumer groups = shard consumers with leases and per-group checkpoints in a
 * CheckpointStore (DynamoDB in production); records that fail maxAttempts go to the core DLQ
 * (SQS). Only the 'core' path is served here; KinesisSnsEventBus routes by path.
 */
import { ListShardsCommand, PutRecordsCommand, type KinesisClient, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import type { SQSClient } from '@aws-sdk/client-sqs';
import {
  InvalidArgumentError, UnavailableError, isCheckpointConflictError, systemClock,
  type BusMessage, type CheckpointStore, type Clock, type DeadLetter, type DeadLetterQueue, type EventBus, type SubscribeOptions, type Subscription,
} from '../../ports';
import { backoffDelay } from '../../core/retry';
import { encodeMessage, newDeadLetter, type WireMessage } from './busRecords';
import { groupKey, KinesisShardConsumer } from './kinesisShardConsumer';
import { SqsDeadLetterQueue, sendDeadLetter } from './SqsDeadLetterQueue';
import { errorMessage, isThrottling, translateAwsError } from './awsErrors';

/** Kinesis' record limit: data + partition key, 1 MiB. */
export const KINESIS_MAX_RECORD_BYTES = 1024 * 1024;

export interface KinesisEventBusOptions {
  readonly kinesis: KinesisClient;
  readonly sqs: SQSClient;
  readonly stream: string;
  readonly coreDlqUrl: string;
  readonly checkpoints: CheckpointStore;
  readonly clock?: Clock;
  /** Idle wait between empty GetRecords calls (Kinesis allows 5 GetRecords/s per shard); default 250. */
  readonly pollIntervalMs?: number;
  /** Shard lease duration; default 30 s. */
  readonly leaseMs?: number;
  /** Delay between handler retries of one record; default 50 ms base, 2 s max (full jitter). */
  readonly retryDelay?: { readonly baseDelayMs: number; readonly maxDelayMs: number };
  /** Attempts for throttled PutRecords entries before UnavailableError; default 8. */
  readonly publishAttempts?: number;
  /** A new group starts this many ms before its first subscribe (covers clock skew with Kinesis); default 0. */
  readonly startSkewMs?: number;
  readonly onError?: (err: unknown) => void;
}

export class KinesisEventBus implements EventBus {
  readonly deadLetters: DeadLetterQueue;
  private readonly clock: Clock;
  private readonly subscriptions = new Set<Subscription>();

  constructor(private readonly o: KinesisEventBusOptions) {
    this.clock = o.clock ?? systemClock;
    this.deadLetters = new SqsDeadLetterQueue({ client: o.sqs, queues: () => [o.coreDlqUrl], redrive: (dl) => this.redriveOne(dl) });
  }

  async publish(messages: readonly BusMessage[]): Promise<void> {
    await this.put(messages.map((m) => {
      if (m.path !== 'core') throw new InvalidArgumentError('path', `message ${m.id}: KinesisEventBus carries the core path only, got ${m.path}`);
      return m;
    }));
  }

  /** Redrive of a core dead letter: a record only its group handles (redriveTo). */
  async redriveOne(dl: DeadLetter): Promise<void> {
    await this.put([{ ...dl.message, redriveTo: dl.group }]);
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    if (options.path !== 'core') throw new InvalidArgumentError('path', `KinesisEventBus serves the core path only, got ${options.path}`);
    const since = await this.groupSince(options.group);
    const shards = await this.shardIds();
    const consumers = shards.map((shardId) => new KinesisShardConsumer({
      client: this.o.kinesis, stream: this.o.stream, shardId, checkpoints: this.o.checkpoints, clock: this.clock, groupSince: since,
      group: options.group, maxAttempts: options.maxAttempts ?? 5, concurrency: options.concurrency ?? 1, handler: options.handler,
      retryDelay: this.o.retryDelay ?? { baseDelayMs: 50, maxDelayMs: 2000 },
      pollIntervalMs: this.o.pollIntervalMs ?? 250, leaseMs: this.o.leaseMs ?? 30_000,
      onError: this.o.onError ?? (() => undefined),
      deadLetter: (message, attempts, error) =>
        sendDeadLetter(this.o.sqs, this.o.coreDlqUrl, newDeadLetter(options.group, message, attempts, error, this.clock.now())),
    }));
    const sub: Subscription = {
      close: async () => {
        this.subscriptions.delete(sub);
        await Promise.all(consumers.map((c) => c.close()));
      },
    };
    this.subscriptions.add(sub);
    return sub;
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.close()));
  }

  /** The group's creation time, written once (first subscriber wins) so every member starts alike. */
  private async groupSince(group: string): Promise<number> {
    const name = `${groupKey(this.o.stream, group)}/since`;
    const existing = await this.o.checkpoints.get(name);
    if (existing) return Number(existing);
    const since = this.clock.now().getTime() - (this.o.startSkewMs ?? 0);
    try {
      await this.o.checkpoints.set(name, String(since), { current: undefined });
      return since;
    } catch (err) {
      if (isCheckpointConflictError(err) && err.actual) return Number(err.actual);
      throw err;
    }
  }

  private async shardIds(): Promise<string[]> {
    const ids: string[] = [];
    let token: string | undefined;
    do {
      const out = await this.o.kinesis.send(new ListShardsCommand(token ? { NextToken: token } : { StreamName: this.o.stream }))
        .catch((err: unknown) => { throw translateAwsError(err, `Kinesis stream ${this.o.stream}`); });
      // Closed parent shards (after a reshard) still hold unread records: read them too.
      for (const s of out.Shards ?? []) if (s.ShardId) ids.push(s.ShardId);
      token = out.NextToken;
    } while (token);
    return ids;
  }

  /** PutRecords in per-key rounds (record r of every key in round r), retrying failed entries. */
  private async put(messages: readonly WireMessage[]): Promise<void> {
    const entries = messages.map((m): PutRecordsRequestEntry & { key: string } => ({
      key: m.partitionKey,
      PartitionKey: m.partitionKey,
      Data: Buffer.from(encodeMessage(m, KINESIS_MAX_RECORD_BYTES - Buffer.byteLength(m.partitionKey))),
    }));
    const rounds: Array<typeof entries> = [];
    const seen = new Map<string, number>();
    for (const e of entries) {
      const r = seen.get(e.key) ?? 0;
      seen.set(e.key, r + 1);
      (rounds[r] ??= []).push(e);
    }
    for (const round of rounds) {
      for (let i = 0; i < round.length; i += 500) await this.putChunk(round.slice(i, i + 500));
    }
  }

  private async putChunk(chunk: PutRecordsRequestEntry[]): Promise<void> {
    let pending = chunk;
    const attempts = this.o.publishAttempts ?? 8;
    for (let attempt = 1; pending.length > 0; attempt++) {
      let failed: PutRecordsRequestEntry[];
      let why = '';
      try {
        const out = await this.o.kinesis.send(new PutRecordsCommand({
          StreamName: this.o.stream, Records: pending.map((e) => ({ PartitionKey: e.PartitionKey, Data: e.Data })),
        }));
        failed = pending.filter((_, i) => out.Records?.[i]?.ErrorCode);
        why = out.Records?.find((r) => r.ErrorCode)?.ErrorCode ?? '';
      } catch (err) {
        if (!isThrottling(err)) throw err;
        failed = pending;
        why = errorMessage(err);
      }
      if (failed.length === 0) return;
      if (attempt >= attempts) {
        throw new UnavailableError(`Kinesis stream ${this.o.stream}`, `${failed.length} record(s) not accepted after ${attempt} attempts: ${why}`);
      }
      pending = failed;
      await new Promise((r) => setTimeout(r, backoffDelay(attempt, { baseDelayMs: 100, maxDelayMs: 2000 })));
    }
  }
}

/**
 * Polls a table's DynamoDB Stream and feeds each batch to a Streams handler (the same one Lambda
 * runs, see DynamoDbStreamsRelay). Lambda's event-source mapping does this in AWS; the poller
 * lets a long-running runtime — and the int tests on DynamoDB Local Streams — do it in-process.
 * Positions are kept in memory (starts at TRIM_HORIZON or LATEST); a batch whose handler throws
 * is retried from the same iterator position until it succeeds. An expired iterator resumes after
 * the last relayed sequence number; a trimmed one (DynamoDB Local answers LATEST on an empty shard
 * that way) restarts at TRIM_HORIZON.
 */
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand, GetRecordsCommand, GetShardIteratorCommand, type DynamoDBStreamsClient, type ShardIteratorType,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDbStreamsEvent } from './DynamoDbStreamsRelay';

export interface DynamoDbStreamsPollerOptions {
  readonly dynamodb: DynamoDBClient;
  readonly streams: DynamoDBStreamsClient;
  readonly table: string;
  readonly handler: (event: DynamoDbStreamsEvent) => Promise<unknown>;
  readonly start?: Extract<ShardIteratorType, 'TRIM_HORIZON' | 'LATEST'>;
  readonly pollIntervalMs?: number;
  readonly onError?: (err: unknown) => void;
}

export class DynamoDbStreamsPoller {
  private closed = false;
  private readonly iterators = new Map<string, string | undefined>();
  private readonly lastSeq = new Map<string, string>();
  private loop: Promise<void> | undefined;

  constructor(private readonly o: DynamoDbStreamsPollerOptions) {}

  /** Resolves once every current shard has an iterator (so later writes are seen with LATEST). */
  async start(): Promise<void> {
    const arn = (await this.o.dynamodb.send(new DescribeTableCommand({ TableName: this.o.table }))).Table?.LatestStreamArn;
    if (!arn) throw new Error(`table ${this.o.table} has no stream: enable StreamSpecification (NEW_IMAGE)`);
    await this.discover(arn);
    this.loop = this.run(arn);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.loop;
  }

  private async discover(arn: string): Promise<void> {
    let last: string | undefined;
    do {
      const d = await this.o.streams.send(new DescribeStreamCommand({ StreamArn: arn, ExclusiveStartShardId: last }));
      for (const s of d.StreamDescription?.Shards ?? []) {
        if (!s.ShardId || this.iterators.has(s.ShardId)) continue;
        // Shards found after start() are children of known ones: read them from their start.
        const type = this.loop ? 'TRIM_HORIZON' : (this.o.start ?? 'TRIM_HORIZON');
        const it = await this.o.streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: s.ShardId, ShardIteratorType: type }));
        this.iterators.set(s.ShardId, it.ShardIterator);
      }
      last = d.StreamDescription?.LastEvaluatedShardId;
    } while (last);
  }

  private async reposition(arn: string, shardId: string, after: string | undefined): Promise<void> {
    const it = await this.o.streams.send(new GetShardIteratorCommand(after
      ? { StreamArn: arn, ShardId: shardId, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after }
      : { StreamArn: arn, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }));
    this.iterators.set(shardId, it.ShardIterator);
  }

  private async run(arn: string): Promise<void> {
    let rounds = 0;
    while (!this.closed) {
      let any = false;
      try {
        for (const [shardId, iterator] of this.iterators) {
          if (!iterator || this.closed) continue;
          let out;
          try {
            out = await this.o.streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
          } catch (err) {
            const name = (err as { name?: string }).name;
            if (name !== 'ExpiredIteratorException' && name !== 'TrimmedDataAccessException') throw err;
            await this.reposition(arn, shardId, name === 'ExpiredIteratorException' ? this.lastSeq.get(shardId) : undefined);
            continue;
          }
          const records = out.Records ?? [];
          if (records.length > 0) {
            await this.o.handler({ Records: records.map((r) => ({ eventName: r.eventName, dynamodb: r.dynamodb })) });
            const seq = records[records.length - 1]?.dynamodb?.SequenceNumber;
            if (seq) this.lastSeq.set(shardId, seq);
            any = true;
          }
          this.iterators.set(shardId, out.NextShardIterator);
        }
        if (++rounds % 20 === 0) await this.discover(arn);
      } catch (err) {
        this.o.onError?.(err);
      }
      if (!any) await new Promise((r) => setTimeout(r, this.o.pollIntervalMs ?? 100));
    }
  }
}

/**
 * readAll over the DynamoDB events table (ADR 0050). Each log shard has a counter item that every
 * append to that shard updates in its own transaction, under a condition on the previous value:
 * appends to a shard are serialised, so their sequence numbers are gap-free and in commit order.
 * The `log` GSI (lp = shard, ls = seq) is eventually consistent, so a reader walks each shard from
 * its checkpoint and stops at the first missing sequence number: an event that is committed but
 * not yet indexed is read later, never skipped. Shards are merged by (recordedAt, shard, seq).
 */
import { GetItemCommand, QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ReadAllOptions, ReadAllPage, StoredEvent } from '../../ports';
import { resolveReadAllLimit } from '../local/StoreOptions';
import { ATTR, GSI_LOG } from './dynamoDbSchema';
import { COUNTER_SEQ, N, S, formatCheckpoint, logCounterKey, num, parseCheckpoint, toStoredEvent, type Item } from './dynamoDbEventItems';

interface ShardRead {
  readonly shard: number;
  readonly events: Array<{ seq: number; event: StoredEvent }>;
  readonly head: number;
}

export class DynamoDbGlobalLog {
  constructor(private readonly client: DynamoDBClient, private readonly table: string, private readonly shards: number) {}

  async read(options: ReadAllOptions): Promise<ReadAllPage> {
    const after = parseCheckpoint(this.shards, options.after);
    const limit = resolveReadAllLimit(options);
    const reads = await Promise.all(after.map((from, shard) => this.readShard(shard, from, limit)));
    const cursor = [...after];
    const events: StoredEvent[] = [];
    if (this.shards === 1) {
      for (const { seq, event } of reads[0]!.events) {
        cursor[0] = seq;
        events.push(event);
      }
    } else {
      const merged = reads.flatMap((r) => r.events.map((e) => ({ ...e, shard: r.shard })));
      merged.sort((a, b) => (a.event.recordedAt < b.event.recordedAt ? -1 : a.event.recordedAt > b.event.recordedAt ? 1 : a.shard - b.shard || a.seq - b.seq));
      for (const m of merged.slice(0, limit)) {
        cursor[m.shard] = m.seq;
        // On N shards an event's resumable position is the whole vector up to and including it.
        events.push({ ...m.event, position: formatCheckpoint(cursor) });
      }
    }
    const isEnd = reads.every((r) => cursor[r.shard]! >= r.head);
    return { events, checkpoint: events.length === 0 ? options.after : formatCheckpoint(cursor), isEnd };
  }

  /** Contiguous events of one shard after `from` (at most `limit`), and the shard's committed head. */
  private async readShard(shard: number, from: number, limit: number): Promise<ShardRead> {
    const counter = await this.client.send(new GetItemCommand({ TableName: this.table, Key: logCounterKey(shard), ConsistentRead: true }));
    const head = num(counter.Item, COUNTER_SEQ) ?? 0;
    const events: ShardRead['events'] = [];
    if (head <= from) return { shard, events, head };
    let expected = from + 1;
    let startKey: Item | undefined;
    const want = Math.min(limit, head - from);
    do {
      const page = await this.client.send(new QueryCommand({
        TableName: this.table,
        IndexName: GSI_LOG,
        KeyConditionExpression: '#lp = :lp AND #ls > :from',
        ExpressionAttributeNames: { '#lp': ATTR.logShard, '#ls': ATTR.logSeq },
        ExpressionAttributeValues: { ':lp': S(String(shard)), ':from': N(from) },
        Limit: Math.min(want - events.length, 1000),
        ExclusiveStartKey: startKey,
      }));
      for (const item of page.Items ?? []) {
        const seq = num(item, ATTR.logSeq)!;
        if (seq !== expected) return { shard, events, head }; // not yet indexed: stop before the gap
        events.push({ seq, event: toStoredEvent(item, this.shards) });
        expected++;
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey && events.length < want);
    return { shard, events, head };
  }
}

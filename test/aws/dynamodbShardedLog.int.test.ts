/**
 * DynamoDbEventStore with a sharded global log (logShards > 1, ADR 0050) on DynamoDB Local:
 * concurrent writers over many streams, readAll in small pages from vector checkpoints sees
 * every event exactly once in per-stream order; a readAll event's position resumes right after
 * it; a single event's "<shard>:<seq>" position is refused as a readAll checkpoint.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { DynamoDbEventStore } from '../../runtime/adapters/aws/DynamoDbEventStore';
import { isInvalidArgumentError, type StoredEvent } from '../../runtime/ports';
import { useDynamoDbLocal } from './support/dynamoFixture';

describe('DynamoDbEventStore with 4 log shards (DynamoDB Local)', function () {
  this.timeout(120_000);
  const ddb = useDynamoDbLocal('sharded-log int test (test/aws/dynamodbShardedLog.int.test.ts)');

  it('readAll over 4 shards: every event once, per-stream order, resumable from checkpoints and readAll positions', async () => {
    const { eventsTable } = await ddb.freshTables();
    const store = new DynamoDbEventStore({ client: ddb.client(), table: eventsTable, logShards: 4 });
    const streams = Array.from({ length: 12 }, (_, i) => `t1:Order-${i}-${randomUUID().slice(0, 6)}`);
    const written: StoredEvent[] = [];
    await Promise.all(streams.map(async (s) => {
      for (let i = 0; i < 4; i++) written.push(...(await store.append(s, [{ eventId: randomUUID(), type: 'Tick', schemaVersion: 1, data: { i } }], 'any')).events);
    }));
    const seen: StoredEvent[] = [];
    let after: string | undefined;
    for (let pages = 0; ; pages++) {
      assert.ok(pages < 200);
      const page = await store.readAll({ after, limit: 5 });
      assert.ok(page.events.length <= 5);
      seen.push(...page.events);
      after = page.checkpoint;
      if (page.isEnd) break;
    }
    assert.equal(seen.length, written.length);
    assert.deepEqual(new Set(seen.map((e) => e.eventId)), new Set(written.map((e) => e.eventId)));
    const last = new Map<string, number>();
    for (const e of seen) {
      assert.ok(e.version > (last.get(e.streamId) ?? 0), `${e.streamId} out of order`);
      last.set(e.streamId, e.version);
    }
    const resumed = await store.readAll({ after: seen[19]!.position, limit: 1000 });
    assert.deepEqual(resumed.events.map((e) => e.eventId).sort(), seen.slice(20).map((e) => e.eventId).sort(), 'a readAll position resumes right after its event');
    assert.match(written[0]!.position, /^\d:\d+$/);
    await assert.rejects(store.readAll({ after: written[0]!.position }), (e: unknown) => isInvalidArgumentError(e) && e.field === 'after');
  });
});

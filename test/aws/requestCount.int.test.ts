/**
 * Billable DynamoDB requests per Orders command (docs/capabilities.md, `requests` section),
 * measured on DynamoDB Local through an SDK middleware: the whole command path (CommandHandler
 * with the DynamoDB event, snapshot and idempotency stores) and the store-level minimum (load +
 * append), for a stream without a snapshot and one with a recent snapshot. Asserts the counts so
 * a change to the command path that adds a round trip fails here.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDbEventStore } from '../../runtime/adapters/aws/DynamoDbEventStore';
import { DynamoDbSnapshotStore } from '../../runtime/adapters/aws/DynamoDbSnapshotStore';
import { DynamoDbIdempotencyStore } from '../../runtime/adapters/aws/DynamoDbIdempotencyStore';
import { AggregateRegistry } from '../../runtime/core/aggregate';
import { CommandHandler } from '../../runtime/core/commandHandler';
import { loadAggregate } from '../../runtime/core/aggregateLoader';
import { orderDecider } from '../../examples/orders';
import type { NewEvent } from '../../runtime/ports';
import { LOCAL_CREDENTIALS, useDynamoDbLocal } from './support/dynamoFixture';
import { countRequests, type RequestCounts } from './support/requestCounter';

const line = { sku: 'SKU-1', name: 'Widget', quantity: 1, unitPriceCents: 199 };

function items(orderId: string, from: number, count: number): NewEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    eventId: `${orderId}-${from + i}`, type: 'ItemAdded', schemaVersion: 1,
    data: { orderId, ...line, sku: `SKU-${from + i}` }, metadata: { tenant: 't1' },
  }));
}

const summary = (c: RequestCounts) => `${c.reads} read(s) ${JSON.stringify(c.byOperation)} ${c.readUnits} RCU / ${c.writes} write(s) ${c.writeUnits} WCU`;

describe('DynamoDB requests per Orders command (measured on DynamoDB Local)', function () {
  this.timeout(120_000);
  const ddb = useDynamoDbLocal('DynamoDB request-count measurement (test/aws/requestCount.int.test.ts)');

  async function setup() {
    const tables = await ddb.freshTables();
    // A client of its own, so the counter sees only the measured calls.
    const client = new DynamoDBClient({ endpoint: ddb.server().endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
    const counter = countRequests(client);
    const eventStore = new DynamoDbEventStore({ client, table: tables.eventsTable });
    const snapshots = new DynamoDbSnapshotStore({ client, table: tables.snapshotsTable });
    const idempotency = new DynamoDbIdempotencyStore({ client, table: tables.checkpointsTable });
    const handler = new CommandHandler({ eventStore, snapshots, idempotency, aggregates: new AggregateRegistry([orderDecider]) });
    return { counter, eventStore, snapshots, handler };
  }

  async function orderWith(s: Awaited<ReturnType<typeof setup>>, events: number, snapshotAt?: number): Promise<string> {
    const id = randomUUID().slice(0, 8);
    await s.handler.handle({ tenant: 't1', aggregateType: 'Order', aggregateId: id, type: 'PlaceOrder', payload: { customerId: 'c-1', currency: 'EUR' } });
    for (let v = 1; v < events; v += 50) await s.eventStore.append(`t1:Order-${id}`, items(id, v, Math.min(50, events - v)), v);
    if (snapshotAt !== undefined) {
      const loaded = await loadAggregate({ eventStore: s.eventStore }, orderDecider, `t1:Order-${id}`, { asOfVersion: snapshotAt });
      await s.snapshots.save({ streamId: `t1:Order-${id}`, aggregateType: 'Order', version: snapshotAt, stateVersion: orderDecider.stateVersion ?? 1, state: loaded.state, takenAt: new Date().toISOString() });
    }
    return id;
  }

  const cases = [
    { name: 'AddItem, 40-event stream, no snapshot', events: 40, snapshotAt: undefined },
    { name: 'AddItem, 90-event stream, snapshot 10 events behind', events: 90, snapshotAt: 80 },
  ];
  for (const c of cases) {
    it(`${c.name}: command path and store minimum`, async () => {
      const s = await setup();
      const id = await orderWith(s, c.events, c.snapshotAt);
      s.counter.reset();
      await s.handler.handle({ tenant: 't1', aggregateType: 'Order', aggregateId: id, type: 'AddItem', payload: { ...line, sku: 'SKU-new' } });
      const command = { ...s.counter.counts() };
      s.counter.reset();
      const tail = await s.eventStore.readStream(`t1:Order-${id}`, { fromVersion: (c.snapshotAt ?? 0) + 1 });
      await s.eventStore.append(`t1:Order-${id}`, items(id, 10_000, 1), tail[tail.length - 1]!.version);
      const minimum = { ...s.counter.counts() };
      console.log(`      command: ${summary(command)}\n      store minimum (load tail + append): ${summary(minimum)}`);
      // CommandHandler: idempotency GetItem, snapshot Query, tail Query, TransactWriteItems, idempotency PutItem.
      assert.deepEqual(command.byOperation, { GetItemCommand: 1, QueryCommand: 2, TransactWriteItemsCommand: 1, PutItemCommand: 1 });
      assert.equal(command.reads, 3);
      assert.equal(command.writes, 2);
      assert.deepEqual(minimum.byOperation, { QueryCommand: 1, TransactWriteItemsCommand: 1 }, 'the store itself needs one read and one write');
    });
  }
});

/**
 * Requests one Orders command costs on Cosmos DB (issue 7 "Measure"), counted at the SDK's
 * request plugin (every HTTP call on items, by operation) while the real CommandHandler runs on
 * the Cosmos adapters against cosmosdb-server. The counts are exact and deterministic, so they
 * are asserted: a change that costs more requests per command fails here. Request units are not
 * measured (cosmosdb-server does not charge RU); docs/capabilities.md estimates them from the
 * published per-operation costs. The suite prints the table it measured.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { CosmosEventStore } from '../../runtime/adapters/azure/CosmosEventStore';
import { CosmosIdempotencyStore } from '../../runtime/adapters/azure/CosmosIdempotencyStore';
import { CosmosSnapshotStore } from '../../runtime/adapters/azure/CosmosSnapshotStore';
import { AggregateRegistry } from '../../runtime/core/aggregate';
import { loadAggregate } from '../../runtime/core/aggregateLoader';
import { CommandHandler, type CommandRequest } from '../../runtime/core/commandHandler';
import { orderDecider } from '../../examples/orders';
import { useCosmosServer } from '../servers/cosmos';
import { countingClient, freshContainer, type RequestCounter } from './cosmosFixture';

describe('Cosmos DB requests per Orders command (cosmosdb-server)', function () {
  this.timeout(120_000);
  const server = useCosmosServer('test/azure/cosmosCommandCost.int.test.ts (Cosmos request counts per command)');
  const measured: Array<[string, Record<string, number>]> = [];
  let counter: RequestCounter;
  let stores: { eventStore: CosmosEventStore; snapshots: CosmosSnapshotStore; idempotency: CosmosIdempotencyStore };
  let handler: CommandHandler;
  const drops: Array<() => Promise<void>> = [];

  before(async function () {
    const counting = countingClient(server());
    counter = counting.counter;
    const make = async (kind: 'events' | 'snapshots' | 'idempotency') => {
      const { container, drop } = await freshContainer(server(), kind, counting.client);
      drops.push(drop);
      return container;
    };
    stores = {
      eventStore: new CosmosEventStore({ container: await make('events') }),
      snapshots: new CosmosSnapshotStore({ container: await make('snapshots') }),
      idempotency: new CosmosIdempotencyStore({ container: await make('idempotency') }),
    };
    handler = new CommandHandler({ ...stores, aggregates: new AggregateRegistry([orderDecider]) });
  });
  after(async function () {
    console.log('\n  Cosmos DB requests per command (by operation)');
    for (const [what, c] of measured) console.log(`  ${what} | ${JSON.stringify(c)}`);
    for (const d of drops) await d();
  });

  async function cost(what: string, req: CommandRequest): Promise<Record<string, number>> {
    counter.reset();
    await handler.handle(req);
    const c = counter.snapshot();
    measured.push([what, c]);
    return c;
  }

  const place = (id: string): CommandRequest => ({
    tenant: 'acme', aggregateType: 'Order', aggregateId: id, type: 'PlaceOrder', commandId: randomUUID(), payload: { customerId: 'c-1', currency: 'EUR' },
  });
  const add = (id: string, n: number): CommandRequest => ({
    tenant: 'acme', aggregateType: 'Order', aggregateId: id, type: 'AddItem', commandId: randomUUID(),
    payload: { sku: `SKU-${n}`, name: `Item ${n}`, quantity: 1, unitPriceCents: 250 },
  });

  async function orderWithEvents(events: number): Promise<string> {
    const id = randomUUID().slice(0, 8);
    await handler.handle(place(id));
    for (let n = 1; n < events; n++) await handler.handle(add(id, n));
    return id;
  }

  async function snapshotAtHead(id: string): Promise<void> {
    const streamId = `acme:Order-${id}`;
    const loaded = await loadAggregate(stores, orderDecider, streamId);
    await stores.snapshots.save({ streamId, aggregateType: 'Order', version: loaded.version, stateVersion: orderDecider.stateVersion, state: loaded.state, takenAt: new Date().toISOString() });
  }

  // Per command: idempotency point read, snapshot TOP 1 query, stream query (which also returns
  // the head and its etag), ONE transactional batch (head + event), idempotency create. The SDK
  // also asks the gateway for a query plan before each query (metadata, not billed in RU).
  const MIN = { batch: 1, create: 1, query: 2, queryPlan: 2, read: 1 };

  it('PlaceOrder on a new stream: 1 point read + 2 queries (+2 query plans), 1 batch + 1 create', async () => {
    assert.deepEqual(await cost('PlaceOrder, new stream', place(randomUUID().slice(0, 8))), MIN);
  });

  it('AddItem on a 20-event stream without a snapshot: the same 5 requests (the query pages the 20 events)', async () => {
    const id = await orderWithEvents(20);
    assert.deepEqual(await cost('AddItem, 20 events, no snapshot', add(id, 99)), MIN);
  });

  it('AddItem with a snapshot at the head: 5 requests, the stream query returns only the head', async () => {
    const id = await orderWithEvents(20);
    await snapshotAtHead(id);
    assert.deepEqual(await cost('AddItem, 20 events, snapshot at head', add(id, 99)), MIN);
  });

  it('AddItem in a fresh process (no remembered etag): still 5 requests', async () => {
    const id = await orderWithEvents(5);
    const fresh = new CosmosEventStore({ container: stores.eventStore.container });
    const h = new CommandHandler({ ...stores, eventStore: fresh, aggregates: new AggregateRegistry([orderDecider]) });
    counter.reset();
    await h.handle(add(id, 42));
    measured.push(['AddItem, new process', counter.snapshot()]);
    assert.deepEqual(counter.snapshot(), MIN);
  });

  it('a retried command (same command id) is answered from its idempotency record: 1 point read', async () => {
    const id = await orderWithEvents(2);
    const req = add(id, 7);
    await handler.handle(req);
    assert.deepEqual(await cost('AddItem retried (same command id)', req), { read: 1 });
  });
});

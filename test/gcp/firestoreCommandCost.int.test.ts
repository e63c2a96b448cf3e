/**
 * Billable Firestore operations of one Orders command (issue 7 "Measure"), counted on the gRPC
 * channel (firestoreBillableOps.ts) while the real CommandHandler runs on the Firestore
 * adapters against the emulator. The counts are exact and deterministic, so they are asserted:
 * a change that costs more reads or writes per command fails here. docs/capabilities.md
 * (`requests`, GCP row) reports them; the suite prints the table it measured.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Firestore } from '@google-cloud/firestore';
import { FirestoreEventStore } from '../../runtime/adapters/gcp/FirestoreEventStore';
import { FirestoreIdempotencyStore } from '../../runtime/adapters/gcp/FirestoreIdempotencyStore';
import { FirestoreSnapshotStore } from '../../runtime/adapters/gcp/FirestoreSnapshotStore';
import { countingSettings, newBillableOps, type BillableOps } from '../../runtime/adapters/gcp/firestoreBillableOps';
import { AggregateRegistry } from '../../runtime/core/aggregate';
import { loadAggregate } from '../../runtime/core/aggregateLoader';
import { CommandHandler, type CommandRequest } from '../../runtime/core/commandHandler';
import { orderDecider } from '../../examples/orders';
import { useFirestoreEmulator } from '../servers/firestore';
import { EMULATOR_CREDENTIALS, TEST_PROJECT, freshPrefix } from './firestoreClient';

interface Cost { readonly reads: number; readonly writes: number; readonly deletes: number }

describe('Billable Firestore operations per Orders command (Firestore emulator)', function () {
  this.timeout(120_000);
  const emulator = useFirestoreEmulator('test/gcp/firestoreCommandCost.int.test.ts (Firestore request counts per command)');
  const ops: BillableOps = newBillableOps();
  const measured: Array<[string, Cost]> = [];
  let stores: { eventStore: FirestoreEventStore; snapshots: FirestoreSnapshotStore; idempotency: FirestoreIdempotencyStore };
  let handler: CommandHandler;
  const aggregates = new AggregateRegistry([orderDecider]);

  before(function () {
    const client = (): Firestore => new Firestore({
      projectId: TEST_PROJECT, host: emulator().host, ssl: false, credentials: EMULATOR_CREDENTIALS, ...countingSettings(ops),
    });
    const collectionPrefix = freshPrefix();
    stores = {
      eventStore: new FirestoreEventStore({ firestore: client(), collectionPrefix, settleMs: 50 }),
      snapshots: new FirestoreSnapshotStore({ firestore: client(), collectionPrefix }),
      idempotency: new FirestoreIdempotencyStore({ firestore: client(), collectionPrefix }),
    };
    handler = new CommandHandler({ ...stores, aggregates });
  });
  after(async function () {
    console.log('\n  Firestore billable operations per command | reads | writes | deletes');
    for (const [what, c] of measured) console.log(`  ${what} | ${c.reads} | ${c.writes} | ${c.deletes}`);
    if (stores) for (const s of Object.values(stores)) await s.close();
  });

  async function cost(what: string, req: CommandRequest): Promise<Cost> {
    const before = { ...ops };
    await handler.handle(req);
    const c = { reads: ops.reads - before.reads, writes: ops.writes - before.writes, deletes: ops.deletes - before.deletes };
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
    await stores.snapshots.save({
      streamId, aggregateType: 'Order', version: loaded.version, stateVersion: orderDecider.stateVersion, state: loaded.state, takenAt: new Date().toISOString(),
    });
  }

  it('PlaceOrder on a new stream: 4 reads, 2 writes', async () => {
    // idempotency lookup, snapshot query (empty), stream query (empty), append probe (empty): 1 read each;
    // the event and the idempotency record: 1 write each.
    assert.deepEqual(await cost('PlaceOrder, new stream', place(randomUUID().slice(0, 8))), { reads: 4, writes: 2, deletes: 0 });
  });

  it('AddItem on a 20-event stream without a snapshot: 23 reads (every event), 2 writes', async () => {
    const id = await orderWithEvents(20);
    assert.deepEqual(await cost('AddItem, 20 events, no snapshot', add(id, 99)), { reads: 23, writes: 2, deletes: 0 });
  });

  it('AddItem on a 20-event stream with a snapshot at its head: 4 reads, 2 writes, whatever the length', async () => {
    const id = await orderWithEvents(20);
    await snapshotAtHead(id);
    assert.deepEqual(await cost('AddItem, 20 events, snapshot at head', add(id, 99)), { reads: 4, writes: 2, deletes: 0 });
  });

  it('AddItem with a snapshot 3 events behind the head: 6 reads (the 3-event tail), 2 writes', async () => {
    const id = await orderWithEvents(20);
    await snapshotAtHead(id);
    for (let n = 30; n < 33; n++) await handler.handle(add(id, n));
    assert.deepEqual(await cost('AddItem, snapshot 3 behind', add(id, 99)), { reads: 6, writes: 2, deletes: 0 });
  });

  it('a retried command (same command id) is answered from its idempotency record: 1 read, 0 writes', async () => {
    const id = await orderWithEvents(2);
    const req = add(id, 7);
    await handler.handle(req);
    assert.deepEqual(await cost('AddItem retried (same command id)', req), { reads: 1, writes: 0, deletes: 0 });
  });
});

/**
 * Projections on the in-memory stack: live runner via relay + bus, idempotency under
 * redelivery, gap filling from the store, rebuild equal to live, and the pointer swap.
 */
import assert from 'node:assert/strict';
import { InMemoryEventStore } from '../../runtime/adapters/local/InMemoryEventStore';
import { InMemoryCheckpointStore } from '../../runtime/adapters/local/InMemoryCheckpointStore';
import { InMemoryEventBus } from '../../runtime/adapters/local/InMemoryEventBus';
import { InMemorySearchIndex } from '../../runtime/adapters/local/InMemorySearchIndex';
import { OutboxRelay, toBusMessages } from '../../runtime/core/relay';
import { ProjectionRunner, currentIndex, rebuildProjection, APPLIED_FIELD } from '../../runtime/core/projections';
import { orderSummaryProjection, customerOrdersProjection, orderDocId, customerDocId } from '../../examples/orders/projections';
import type { SearchDocument } from '../../runtime/ports/SearchIndex';
import { waitUntil } from '../contracts/eventBusContract';
import { appendOrder } from './ordersFixtures';

describe('projections (Orders, in-memory stack)', () => {
  let store: InMemoryEventStore;
  let checkpoints: InMemoryCheckpointStore;
  let bus: InMemoryEventBus;
  let search: InMemorySearchIndex;
  let runners: ProjectionRunner[];
  const routing = { noncritical: [] };

  beforeEach(async () => {
    store = new InMemoryEventStore();
    checkpoints = new InMemoryCheckpointStore();
    bus = new InMemoryEventBus();
    search = new InMemorySearchIndex();
    runners = [orderSummaryProjection, customerOrdersProjection].map((p) => new ProjectionRunner(p, { bus, search, store, checkpoints, routing }));
    for (const r of runners) await r.start();
  });
  afterEach(async () => {
    for (const r of runners) await r.stop();
    await bus.close();
  });

  const docs = async (projection: string): Promise<SearchDocument[]> => {
    const index = (await currentIndex(checkpoints, projection))!;
    return (await search.query(index, { limit: 1000 })).items;
  };
  const doc = async (projection: string, id: string) => search.get((await currentIndex(checkpoints, projection))!, id);
  const strip = (d: readonly SearchDocument[]) => d.map(({ [APPLIED_FIELD.name]: _a, ...rest }) => rest).sort((a, b) => String(a.id).localeCompare(String(b.id)));

  it('builds the order summary and customer counts from relayed events', async () => {
    await appendOrder(store, 'acme', 'o1', 'alice', ['add', 'pay', 'ship']);
    await appendOrder(store, 'acme', 'o2', 'alice', ['cancel']);
    await appendOrder(store, 'acme', 'o3', 'bob', ['remove']);
    await new OutboxRelay({ store, checkpoints, bus, routing }).drain();
    await waitUntil('all events applied', () => runners.every((r) => r.stats.applied === 8), 3000);
    const o1 = await doc('orderSummary', orderDocId('acme', 'o1'));
    assert.equal(o1?.status, 'shipped');
    assert.equal(o1?.totalCents, 2 * 500 + 1250);
    assert.equal(o1?.tenant, 'acme');
    assert.match(String(o1?.items), /blue gadget/);
    assert.equal((await doc('orderSummary', orderDocId('acme', 'o3')))?.totalCents, 0);
    const alice = await doc('customerOrders', customerDocId('acme', 'alice'));
    assert.deepEqual([alice?.orderCount, alice?.placed, alice?.shipped, alice?.cancelled], [2, 0, 1, 1]);
  });

  it('absorbs redelivered and republished events (exactly once in effect)', async () => {
    const events = [...(await appendOrder(store, 'acme', 'o1', 'alice', ['add', 'pay'])), ...(await appendOrder(store, 'acme', 'o2', 'alice'))];
    await new OutboxRelay({ store, checkpoints, bus, routing }).drain();
    await waitUntil('applied', () => runners[1]!.stats.applied === 4, 3000);
    const before = [await docs('orderSummary'), await docs('customerOrders')];
    await bus.publish(toBusMessages(events, routing));
    await bus.publish(toBusMessages(events.slice(1, 3), routing));
    await waitUntil('duplicates seen', () => runners.every((r) => r.stats.duplicates === 6), 3000);
    assert.deepEqual([await docs('orderSummary'), await docs('customerOrders')], before);
    const alice = await doc('customerOrders', customerDocId('acme', 'alice'));
    assert.equal(alice?.orderCount, 2);
    assert.equal(alice?.paid, 1);
  });

  it('fills a gap from the store when a later version arrives first', async () => {
    const events = await appendOrder(store, 'acme', 'o1', 'alice', ['add', 'pay']);
    await bus.publish(toBusMessages([events[2]!], routing));
    await waitUntil('applied with the gap filled', () => runners.every((r) => r.stats.applied >= 1 && r.stats.gapsFilled >= 1), 3000);
    const o1 = await doc('orderSummary', orderDocId('acme', 'o1'));
    assert.equal(o1?.status, 'paid');
    assert.equal(o1?.totalCents, 2250);
    assert.equal((await doc('customerOrders', customerDocId('acme', 'alice')))?.paid, 1);
  });

  it('rebuilds into a fresh index equal to the live one and swaps the pointer', async () => {
    for (let i = 0; i < 20; i++) await appendOrder(store, i % 2 ? 'acme' : 'globex', `o${i}`, `c${i % 3}`, i % 3 === 0 ? ['pay', 'ship'] : i % 3 === 1 ? ['add', 'cancel'] : ['remove']);
    await new OutboxRelay({ store, checkpoints, bus, routing }).drain();
    const total = (await store.readAll({ limit: 10_000 })).events.length;
    await waitUntil('live caught up', () => runners.every((r) => r.stats.applied === total), 3000);
    for (const p of [orderSummaryProjection, customerOrdersProjection]) {
      const live = await docs(p.name);
      const oldIndex = await currentIndex(checkpoints, p.name);
      const progress: number[] = [];
      const r = await rebuildProjection(p, { store, search, checkpoints }, { graceMs: 10, pageSize: 7, onProgress: (x) => progress.push(x.read) });
      assert.equal(r.previousIndex, oldIndex);
      assert.notEqual(r.index, oldIndex);
      assert.equal(await currentIndex(checkpoints, p.name), r.index);
      assert.ok(!(await search.listIndexes()).includes(oldIndex!), 'old index dropped');
      assert.ok(progress.length > 3 && progress[progress.length - 1] === total);
      assert.deepEqual(strip(await docs(p.name)), strip(live), `${p.name} rebuilt equals live`);
    }
    await appendOrder(store, 'acme', 'late', 'c1', ['pay']);
    await new OutboxRelay({ store, checkpoints, bus, routing }).drain();
    await waitUntil('live runner writes to the swapped index', async () => (await doc('orderSummary', orderDocId('acme', 'late')))?.status === 'paid', 3000);
  });

  it('builds a detached point-in-time index with asOf and refuses ranges over maxEvents', async () => {
    await appendOrder(store, 'acme', 'o1', 'alice', ['pay']);
    const cut = new Date(Date.now() + 1);
    await new Promise((r) => setTimeout(r, 5));
    await appendOrder(store, 'acme', 'o2', 'alice');
    const r = await rebuildProjection(orderSummaryProjection, { store, search, checkpoints }, { swap: false, asOf: cut, tenant: 'acme' });
    assert.deepEqual((await search.query(r.index, {})).items.map((d) => d.id), [orderDocId('acme', 'o1')]);
    await assert.rejects(rebuildProjection(orderSummaryProjection, { store, search, checkpoints }, { swap: false, maxEvents: 2, pageSize: 2 }), /more than 2 events/);
  });
});

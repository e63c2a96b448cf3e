/**
 * Read-side upcasting: with the upcaster chain of schemas/ (the governed pipeline's afterRead),
 * a stored OrderShipped v1 ({ trackingNumber }) reaches the order summary as v2
 * ({ trackingCode }) — delivered live, read back to fill a gap, replayed by a rebuild, by an
 * asOf build and through the HTTP routes. Without the upcaster the same events leave the
 * tracking number empty (the projection reads the latest shape only), so the wiring is what
 * these tests prove.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { InMemoryEventStore } from '../../runtime/adapters/local/InMemoryEventStore';
import { InMemoryCheckpointStore } from '../../runtime/adapters/local/InMemoryCheckpointStore';
import { InMemoryEventBus } from '../../runtime/adapters/local/InMemoryEventBus';
import { InMemorySearchIndex } from '../../runtime/adapters/local/InMemorySearchIndex';
import { OutboxRelay, toBusMessages } from '../../runtime/core/relay';
import { ProjectionRunner, currentIndex, rebuildProjection, type Upcast } from '../../runtime/core/projections';
import { loadSchemaDir } from '../../runtime/core/schema/schemaFiles';
import { schemaUpcasters } from '../../runtime/core/schema/upcasters';
import { buildServer } from '../../runtime/http/server';
import { projectionRoutes } from '../../runtime/http/routes/projections';
import { shadowProjections } from '../../runtime/core/migration/shadowProjections';
import { orderDocId, orderSummaryProjection } from '../../examples/orders/projections';
import { waitUntil } from '../contracts/eventBusContract';
import { appendOrder } from '../readside/ordersFixtures';
import { TEST_SECRET, bearer, tokenFor } from '../http/harness';

const chain = schemaUpcasters(loadSchemaDir(join(__dirname, '..', '..', 'schemas')));
const upcast: Upcast = (events) => chain.upcastAll(events);

describe('projections see events upcast to their latest version', () => {
  let store: InMemoryEventStore;
  let checkpoints: InMemoryCheckpointStore;
  let search: InMemorySearchIndex;
  const routing = { noncritical: [] };

  beforeEach(() => {
    store = new InMemoryEventStore();
    checkpoints = new InMemoryCheckpointStore();
    search = new InMemorySearchIndex();
  });

  const summary = async (index: string, orderId: string) => search.get(index, orderDocId('acme', orderId));

  it('the fixture stores OrderShipped as v1 with trackingNumber (what old stores hold)', async () => {
    const events = await appendOrder(store, 'acme', 'o1', 'alice', ['pay', 'ship']);
    const shipped = events.find((e) => e.type === 'OrderShipped')!;
    assert.equal(shipped.schemaVersion, 1);
    assert.deepEqual(shipped.data, { orderId: 'o1', carrier: 'ups', trackingNumber: 't-o1' });
    assert.equal(chain.latestVersion('OrderShipped'), 2);
  });

  for (const withUpcast of [true, false]) {
    it(`live delivery and gap fills ${withUpcast ? 'apply v1 events as v2' : '(control, no upcaster) leave the v2 field empty'}`, async () => {
      const bus = new InMemoryEventBus();
      const runner = new ProjectionRunner(orderSummaryProjection, { bus, search, store, checkpoints, routing, ...(withUpcast ? { upcast } : {}) });
      await runner.start();
      try {
        // o1 is delivered in order; o2 only by its last event, so placed, paid and the v1 OrderShipped are read from the store.
        await appendOrder(store, 'acme', 'o1', 'alice', ['pay', 'ship']);
        await new OutboxRelay({ store, checkpoints, bus, routing }).drain();
        const o2 = await appendOrder(store, 'acme', 'o2', 'bob', ['pay', 'ship', 'cancel']);
        await bus.publish(toBusMessages([o2[o2.length - 1]!], routing));
        await waitUntil('both orders applied', () => runner.stats.applied === 4 && runner.stats.gapsFilled >= 1, 3000);
        const index = (await currentIndex(checkpoints, orderSummaryProjection.name))!;
        const [d1, d2] = [await summary(index, 'o1'), await summary(index, 'o2')];
        assert.equal(d1?.status, 'shipped');
        assert.equal(d2?.status, 'cancelled');
        assert.equal(d1?.trackingNumber, withUpcast ? 't-o1' : undefined);
        assert.equal(d2?.trackingNumber, withUpcast ? 't-o2' : undefined, 'the v1 event read back to fill the gap was upcast too');
      } finally {
        await runner.stop();
        await bus.close();
      }
    });
  }

  it('rebuilds (full and asOf) apply v1 events as v2', async () => {
    await appendOrder(store, 'acme', 'o1', 'alice', ['pay', 'ship']);
    const cut = new Date(Date.now() + 1);
    await new Promise((r) => setTimeout(r, 5));
    await appendOrder(store, 'acme', 'o2', 'bob', ['pay', 'ship']);
    const full = await rebuildProjection(orderSummaryProjection, { store, search, checkpoints, upcast }, { graceMs: 1, pageSize: 2 });
    assert.deepEqual([(await summary(full.index, 'o1'))?.trackingNumber, (await summary(full.index, 'o2'))?.trackingNumber], ['t-o1', 't-o2']);
    const asOf = await rebuildProjection(orderSummaryProjection, { store, search, checkpoints, upcast }, { swap: false, asOf: cut, tenant: 'acme' });
    assert.equal((await summary(asOf.index, 'o1'))?.trackingNumber, 't-o1');
    assert.equal(await summary(asOf.index, 'o2'), undefined);
    const control = await rebuildProjection(orderSummaryProjection, { store, search, checkpoints }, { swap: false });
    assert.equal((await summary(control.index, 'o1'))?.trackingNumber, undefined, 'v1 data has no trackingCode');
  });

  it('an event that cannot be upcast is poison: counted by a rebuild, the other orders built', async () => {
    await appendOrder(store, 'acme', 'o1', 'alice', ['pay', 'ship']);
    await store.append('acme:Order-future', [{ eventId: 'future-1', type: 'OrderPlaced', schemaVersion: 9, data: { orderId: 'future' }, metadata: { tenant: 'acme' } }]);
    const r = await rebuildProjection(orderSummaryProjection, { store, search, checkpoints, upcast }, { swap: false });
    assert.equal(r.poisoned, 1);
    assert.equal((await summary(r.index, 'o1'))?.trackingNumber, 't-o1');
    assert.equal(await summary(r.index, 'future'), undefined);
  });

  it('a delivered event that cannot be upcast is dead-lettered at once, naming the event', async () => {
    const bus = new InMemoryEventBus();
    const runner = new ProjectionRunner(orderSummaryProjection, { bus, search, store, checkpoints, routing, upcast });
    await runner.start();
    try {
      const [future] = (await store.append('acme:Order-future', [{ eventId: 'future-1', type: 'OrderPlaced', schemaVersion: 9, data: { orderId: 'future' }, metadata: { tenant: 'acme' } }])).events;
      await bus.publish(toBusMessages([future!], routing));
      await waitUntil('dead-lettered', async () => (await bus.deadLetters.count()) === 1, 3000);
      const [dead] = await bus.deadLetters.list();
      assert.match(String(dead?.error), /future-1.*v9, newer than the latest known v2/);
      assert.equal(runner.stats.retries, 0, 'permanent: not retried');
    } finally {
      await runner.stop();
      await bus.close();
    }
  });

  it('shadow projections of a migration compare stores as upcast: v1 on one side equals v2 on the other', async () => {
    // Both sides record at the same instant (as a migration keeps recordedAt): only the version differs.
    const clock = { now: () => new Date('2026-01-01T00:00:00.000Z') };
    const v1store = new InMemoryEventStore({ clock });
    const v2store = new InMemoryEventStore({ clock });
    for (const [target, version, data] of [[v1store, 1, { trackingNumber: 'T-1' }], [v2store, 2, { trackingCode: 'T-1' }]] as const) {
      await target.append('acme:Order-o1', [
        { eventId: 'p', type: 'OrderPlaced', schemaVersion: 1, data: { orderId: 'o1', customerId: 'c', currency: 'EUR', items: [] }, metadata: { tenant: 'acme' } },
        { eventId: 's', type: 'OrderShipped', schemaVersion: version, data: { orderId: 'o1', carrier: 'ups', ...data }, metadata: { tenant: 'acme' } },
      ]);
    }
    const scratch = () => ({ search: new InMemorySearchIndex(), checkpoints: new InMemoryCheckpointStore() });
    const [same] = await shadowProjections(v1store, v2store, { projections: [orderSummaryProjection], scratch, upcaster: chain });
    assert.deepEqual([same?.sourceDocuments, same?.differingCount], [1, 0]);
    const [differ] = await shadowProjections(v1store, v2store, { projections: [orderSummaryProjection], scratch });
    assert.deepEqual(differ?.differing, [orderDocId('acme', 'o1')], 'without the upcaster the v1 side has no tracking number');
  });

  it('the HTTP asOf query and admin rebuild use the routes\' upcaster', async () => {
    await appendOrder(store, 'acme', 'o1', 'alice', ['pay', 'ship']);
    const app = buildServer({
      eventStore: store, aggregates: undefined as never, commands: undefined as never, auth: { hs256Secret: TEST_SECRET },
      plugins: [async (a) => projectionRoutes(a, { eventStore: store, search, checkpoints, projections: [orderSummaryProjection], upcast })],
    });
    await app.ready();
    try {
      const headers = bearer(await tokenFor());
      const asOf = await app.inject({ method: 'GET', url: `/projections/orderSummary/query?asOf=${encodeURIComponent(new Date().toISOString())}`, headers });
      assert.equal(asOf.statusCode, 200, asOf.body);
      assert.equal(asOf.json<{ items: Array<{ trackingNumber: string }> }>().items[0]?.trackingNumber, 't-o1');
      const rebuilt = await app.inject({ method: 'POST', url: '/projections/orderSummary/rebuild', headers });
      assert.equal(rebuilt.statusCode, 200, rebuilt.body);
      const page = await app.inject({ method: 'GET', url: '/projections/orderSummary/query', headers });
      assert.equal(page.json<{ items: Array<{ trackingNumber: string }> }>().items[0]?.trackingNumber, 't-o1');
    } finally {
      await app.close();
    }
  });
});

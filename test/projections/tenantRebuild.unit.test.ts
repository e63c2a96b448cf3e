/**
 * Tenant-scoped rebuild (ADR 0128): tenant acme's documents are rebuilt in the live index — a
 * corrupted one repaired, an extra one removed, events after the build caught up, stale writes
 * of a racing live runner repaired by verification — while tenant globex's documents are never
 * written (same content, same count, no write touches them). A projection whose document ids
 * are not tenant-qualified is refused rather than allowed to overwrite another tenant.
 */
import assert from 'node:assert/strict';
import { InMemoryEventStore } from '../../runtime/adapters/local/InMemoryEventStore';
import { InMemoryCheckpointStore } from '../../runtime/adapters/local/InMemoryCheckpointStore';
import { InMemoryEventBus } from '../../runtime/adapters/local/InMemoryEventBus';
import { InMemorySearchIndex } from '../../runtime/adapters/local/InMemorySearchIndex';
import { OutboxRelay } from '../../runtime/core/relay';
import {
  ProjectionRunner, currentIndex, rebuildProjection, rebuildTenant, updateOnce, type ProjectionDefinition,
} from '../../runtime/core/projections';
import type { EventStore } from '../../runtime/ports/EventStore';
import type { SearchDocument, SearchIndex } from '../../runtime/ports/SearchIndex';
import { customerOrdersProjection, orderDocId, orderSummaryProjection } from '../../examples/orders/projections';
import { waitUntil } from '../contracts/eventBusContract';
import { appendOrder } from '../readside/ordersFixtures';

/** A SearchIndex that records every write and can run a hook after one (to stage races). */
class RecordingIndex {
  readonly writes: Array<{ index: string; op: 'upsert' | 'delete'; ids: string[]; tenants: unknown[] }> = [];
  afterUpsert?: (index: string, docs: readonly SearchDocument[]) => Promise<void>;
  readonly search: SearchIndex;

  constructor(readonly inner: InMemorySearchIndex) {
    this.search = {
      createIndex: (i, d) => inner.createIndex(i, d),
      dropIndex: (i) => inner.dropIndex(i),
      listIndexes: () => inner.listIndexes(),
      get: (i, id) => inner.get(i, id),
      query: (i, q) => inner.query(i, q),
      close: () => inner.close(),
      upsert: async (i, docs) => {
        this.writes.push({ index: i, op: 'upsert', ids: docs.map((d) => d.id), tenants: docs.map((d) => d.tenant) });
        await inner.upsert(i, docs);
        await this.afterUpsert?.(i, docs);
      },
      delete: async (i, ids) => {
        const tenants = await Promise.all(ids.map(async (id) => (await inner.get(i, id))?.tenant));
        this.writes.push({ index: i, op: 'delete', ids: [...ids], tenants });
        await inner.delete(i, ids);
      },
    };
  }
}

async function docsOf(search: SearchIndex, index: string, tenant?: string): Promise<SearchDocument[]> {
  return (await search.query(index, { limit: 1000, ...(tenant ? { filters: [{ field: 'tenant', op: 'eq', value: tenant }] } : {}) })).items;
}

describe('tenant-scoped rebuild', () => {
  let store: InMemoryEventStore;
  let checkpoints: InMemoryCheckpointStore;
  let recorder: RecordingIndex;
  let search: SearchIndex;

  beforeEach(async () => {
    store = new InMemoryEventStore();
    checkpoints = new InMemoryCheckpointStore();
    recorder = new RecordingIndex(new InMemorySearchIndex());
    search = recorder.search;
    for (let i = 0; i < 6; i++) {
      await appendOrder(store, 'acme', `a${i}`, `c${i % 2}`, i % 2 ? ['add', 'pay'] : ['cancel']);
      await appendOrder(store, 'globex', `g${i}`, `c${i % 3}`, ['pay', 'ship']);
    }
  });

  /** The live index as a runner would have built it, then damaged: one acme document wrong, one that should not exist. */
  async function damagedLive(): Promise<{ live: string; globex: SearchDocument[] }> {
    const { index: live } = await rebuildProjection(orderSummaryProjection, { store, search, checkpoints }, { graceMs: 0 });
    const good = (await search.get(live, orderDocId('acme', 'a1')))!;
    await search.upsert(live, [{ ...good, status: 'bogus', totalCents: -1 }, { ...good, id: orderDocId('acme', 'ghost'), orderId: 'ghost' }]);
    recorder.writes.length = 0;
    return { live, globex: await docsOf(search, live, 'globex') };
  }

  it("repairs and prunes one tenant's documents in the live index; another tenant's are never written", async () => {
    const { live, globex } = await damagedLive();
    const r = await rebuildTenant(orderSummaryProjection, { store, search, checkpoints }, { tenant: 'acme', graceMs: 1 });
    assert.equal(r.index, live);
    assert.equal(await currentIndex(checkpoints, orderSummaryProjection.name), live, 'no swap');
    assert.deepEqual([r.upserted, r.removed, r.repaired, r.unsettled, r.superseded], [1, 1, 0, 0, false]);
    assert.equal((await search.get(live, orderDocId('acme', 'a1')))?.status, 'paid');
    assert.equal(await search.get(live, orderDocId('acme', 'ghost')), undefined);
    assert.deepEqual(await docsOf(search, live, 'globex'), globex, 'globex: identical content and count');
    const liveWrites = recorder.writes.filter((w) => w.index === live);
    assert.ok(liveWrites.length > 0);
    assert.ok(liveWrites.every((w) => w.tenants.every((t) => t === 'acme') && w.ids.every((id) => id.startsWith('acme:'))), JSON.stringify(liveWrites));
    assert.deepEqual(await search.listIndexes(), [live], 'the scratch index is dropped');
    const clean = await rebuildProjection(orderSummaryProjection, { store, search, checkpoints }, { swap: false });
    assert.deepEqual(await docsOf(search, live, 'acme'), await docsOf(search, clean.index, 'acme'), 'acme equals a clean rebuild');
  });

  it('catches up events appended after the build read the end of the log', async () => {
    const { live } = await damagedLive();
    let appended = false;
    const racing: EventStore = Object.assign(Object.create(store) as EventStore, {
      readAll: async (o: Parameters<EventStore['readAll']>[0]) => {
        const page = await store.readAll(o);
        if (page.isEnd && !appended) {
          appended = true;
          await appendOrder(store, 'acme', 'late', 'c9', ['pay']);
          await appendOrder(store, 'acme', 'a0', 'c0', []).catch(() => undefined);
        }
        return page;
      },
    });
    const r = await rebuildTenant(orderSummaryProjection, { store: racing, search, checkpoints }, { tenant: 'acme', graceMs: 1 });
    assert.ok(r.caughtUp >= 2, `caught up ${r.caughtUp}`);
    assert.equal((await search.get(live, orderDocId('acme', 'late')))?.status, 'paid');
    assert.equal(r.unsettled, 0);
  });

  it('repairs what a racing live runner wrote back stale (lost update), and removes a document it resurrected', async () => {
    const { live } = await damagedLive();
    const stale = (await search.get(live, orderDocId('acme', 'a1')))!;
    const ghost = (await search.get(live, orderDocId('acme', 'ghost')))!;
    // Right after the replacement writes the repaired document, a runner that had read the old ones writes them back.
    const raceOnce = (): void => {
      recorder.afterUpsert = async (index) => {
        if (index !== live) return;
        recorder.afterUpsert = undefined;
        await recorder.inner.upsert(live, [stale, ghost]);
      };
    };
    // Without verification the race wins: the stale document claims the versions it lacks, catch-up skips it.
    raceOnce();
    const unverified = await rebuildTenant(orderSummaryProjection, { store, search, checkpoints }, { tenant: 'acme', graceMs: 1, verifyRounds: 0 });
    assert.equal(unverified.repaired, 0);
    assert.equal((await search.get(live, orderDocId('acme', 'a1')))?.status, 'bogus');
    await recorder.inner.upsert(live, [stale]);
    raceOnce();
    const r = await rebuildTenant(orderSummaryProjection, { store, search, checkpoints }, { tenant: 'acme', graceMs: 1 });
    assert.equal(r.repaired, 2, 'the stale document rewritten, the resurrected one removed');
    assert.equal(r.unsettled, 0);
    assert.equal((await search.get(live, orderDocId('acme', 'a1')))?.status, 'paid');
    assert.equal(await search.get(live, orderDocId('acme', 'ghost')), undefined);
  });

  it('converges with a live runner applying both tenants\' new events meanwhile', async () => {
    const bus = new InMemoryEventBus();
    const routing = { noncritical: [] };
    const runners = [orderSummaryProjection, customerOrdersProjection].map((p) => new ProjectionRunner(p, { bus, search, store, checkpoints, routing }));
    for (const runner of runners) await runner.start();
    const relay = new OutboxRelay({ store, checkpoints, bus, routing, pollMs: 1 });
    relay.start();
    try {
      const total = async () => (await store.readAll({ limit: 10_000 })).events.length;
      await waitUntil('live caught up', async () => { const n = await total(); return runners.every((r) => r.stats.applied === n); }, 3000);
      let writing = true;
      const writer = (async () => {
        for (let i = 0; writing && i < 40; i++) {
          await appendOrder(store, i % 2 ? 'acme' : 'globex', `n${i}`, `c${i % 3}`, ['add', 'pay']);
          await new Promise((r) => setTimeout(r, 1));
        }
      })();
      const results = await Promise.all([orderSummaryProjection, customerOrdersProjection].map((p) => rebuildTenant(p, { store, search, checkpoints }, { tenant: 'acme', graceMs: 20, pageSize: 5 })));
      writing = false;
      await writer;
      await waitUntil('live caught up again', async () => { const n = await total(); return runners.every((r) => r.stats.applied + r.stats.duplicates >= n); }, 5000);
      await new Promise((r) => setTimeout(r, 50));
      for (const [i, p] of [orderSummaryProjection, customerOrdersProjection].entries()) {
        const live = (await currentIndex(checkpoints, p.name))!;
        assert.equal(results[i]!.index, live);
        const clean = await rebuildProjection(p, { store, search, checkpoints }, { swap: false });
        for (const tenant of ['acme', 'globex']) assert.deepEqual(await docsOf(search, live, tenant), await docsOf(search, clean.index, tenant), `${p.name} ${tenant}`);
      }
    } finally {
      await relay.stop();
      for (const runner of runners) await runner.stop();
      await bus.close();
    }
  });

  it('refuses to overwrite another tenant\'s document when document ids are not tenant-qualified', async () => {
    const byCustomer: ProjectionDefinition = {
      name: 'byCustomer',
      index: { fields: [{ name: 'orders', type: 'number' }] },
      handlers: {
        OrderPlaced: (e, ctx) => updateOnce(ctx, String((e.data as { customerId: string }).customerId), e, (d) => ({ id: String((e.data as { customerId: string }).customerId), orders: Number(d?.orders ?? 0) + 1 })),
      },
    };
    // Only globex has built its c0 document so far; acme's c0 collides with it.
    const { index: live } = await rebuildProjection(byCustomer, { store, search, checkpoints }, { graceMs: 0, tenant: 'globex' });
    const before = await docsOf(search, live);
    await assert.rejects(rebuildTenant(byCustomer, { store, search, checkpoints }, { tenant: 'acme', graceMs: 1 }), /document c0 of .* belongs to tenant globex, not acme: a tenant-scoped rebuild needs tenant-qualified document ids/);
    assert.deepEqual(await docsOf(search, live, 'globex'), before.filter((d) => d.tenant === 'globex'));
    assert.deepEqual(await search.listIndexes(), [live], 'the scratch index is dropped after a failure too');
  });

  it('refuses an empty tenant', async () => {
    await assert.rejects(rebuildTenant(orderSummaryProjection, { store, search, checkpoints }, { tenant: '' }), /tenant: a tenant-scoped rebuild needs a tenant/);
  });
});

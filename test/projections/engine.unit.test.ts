/**
 * ProjectionEngine semantics that the rebuild fast path must keep: documents spanning flushes
 * of a fresh index, staged writes dropped when a handler fails, duplicates per stream version,
 * poison counted and left out, canonical stored bookkeeping whatever the apply order, and the
 * live (read-through) mode writing exactly what a rebuild writes.
 */
import assert from 'node:assert/strict';
import { InMemoryEventStore } from '../../runtime/adapters/local/InMemoryEventStore';
import { InMemoryCheckpointStore } from '../../runtime/adapters/local/InMemoryCheckpointStore';
import { InMemorySearchIndex } from '../../runtime/adapters/local/InMemorySearchIndex';
import {
  APPLIED_FIELD, ProjectionEngine, ProjectionGapError, indexDefinitionOf, jsonMap, markApplied, rebuildProjection, updateOnce, type ProjectionDefinition,
} from '../../runtime/core/projections';
import { PermanentError } from '../../runtime/ports/EventBus';
import type { SearchDocument } from '../../runtime/ports/SearchIndex';
import type { StoredEvent } from '../../runtime/ports/events';
import { customerDocId, customerOrdersProjection, orderDocId, orderSummaryProjection } from '../../examples/orders/projections';
import { appendOrder } from '../readside/ordersFixtures';

async function allDocs(search: InMemorySearchIndex, index: string): Promise<SearchDocument[]> {
  return (await search.query(index, { limit: 1000 })).items;
}

describe('ProjectionEngine (rebuild fast path keeps the semantics)', () => {
  let store: InMemoryEventStore;
  let search: InMemorySearchIndex;
  let checkpoints: InMemoryCheckpointStore;

  beforeEach(() => {
    store = new InMemoryEventStore();
    search = new InMemorySearchIndex();
    checkpoints = new InMemoryCheckpointStore();
  });

  it('builds the same documents whatever the page size (documents spanning flushes are read back)', async () => {
    for (let i = 0; i < 30; i++) await appendOrder(store, i % 3 ? 'acme' : 'globex', `o${i}`, `c${i % 4}`, i % 2 ? ['add', 'pay', 'ship'] : ['remove', 'cancel']);
    for (const p of [orderSummaryProjection, customerOrdersProjection]) {
      const one = await rebuildProjection(p, { store, search, checkpoints }, { swap: false, pageSize: 10_000 });
      const tiny = await rebuildProjection(p, { store, search, checkpoints }, { swap: false, pageSize: 3 });
      assert.equal(tiny.applied, one.applied);
      assert.deepEqual(await allDocs(search, tiny.index), await allDocs(search, one.index), `${p.name}: page size 3 equals one page`);
    }
    const alice = await search.get((await rebuildProjection(customerOrdersProjection, { store, search, checkpoints }, { swap: false, pageSize: 2 })).index, customerDocId('acme', 'c1'));
    assert.ok(alice && alice.orderCount !== undefined && Number(alice.orderCount) > 1, 'a customer document accumulated orders across pages');
  });

  it('stores bookkeeping as canonical JSON text: the same bytes whether streams were applied in one order or another', async () => {
    const a = await appendOrder(store, 'acme', 'o1', 'alice', ['pay']);
    const b = await appendOrder(store, 'acme', 'o2', 'alice', ['pay']);
    await search.createIndex('fwd', indexDefinitionOf(customerOrdersProjection));
    await search.createIndex('rev', indexDefinitionOf(customerOrdersProjection));
    const fwd = new ProjectionEngine(customerOrdersProjection, search, store, 'fwd', true);
    for (const e of [...a, ...b]) await fwd.apply(e);
    await fwd.flush();
    const rev = new ProjectionEngine(customerOrdersProjection, search, store, 'rev', true);
    for (const e of [...b, ...a]) await rev.apply(e);
    await rev.flush();
    const id = customerDocId('acme', 'alice');
    const [x, y] = [await search.get('fwd', id), await search.get('rev', id)];
    assert.equal(typeof x?.[APPLIED_FIELD.name], 'string');
    assert.equal(x?.[APPLIED_FIELD.name], '{"acme:Order-o1":2,"acme:Order-o2":2}');
    assert.deepEqual(x, y);
    assert.deepEqual(jsonMap<number>(x, APPLIED_FIELD.name), { 'acme:Order-o1': 2, 'acme:Order-o2': 2 });
  });

  it('live mode (read-through, flush per event) writes exactly what a rebuild writes', async () => {
    for (let i = 0; i < 6; i++) await appendOrder(store, 'acme', `o${i}`, 'bob', ['add', 'pay', 'ship']);
    const events = (await store.readAll({ limit: 1000 })).events;
    for (const p of [orderSummaryProjection, customerOrdersProjection]) {
      const rebuilt = await rebuildProjection(p, { store, search, checkpoints }, { swap: false });
      const live = `live-${p.name.toLowerCase()}`;
      await search.createIndex(live, indexDefinitionOf(p));
      for (const e of events) {
        const engine = new ProjectionEngine(p, search, store, live);
        await engine.apply(e);
        assert.ok((await engine.flush()).length > 0, 'flush reports the documents it wrote');
      }
      assert.deepEqual(await allDocs(search, live), await allDocs(search, rebuilt.index), p.name);
    }
  });

  it('reports a redelivered event as a duplicate, then applies the next version', async () => {
    const [placed, added, paid] = await appendOrder(store, 'acme', 'o1', 'alice', ['add', 'pay']);
    await search.createIndex('ix', indexDefinitionOf(orderSummaryProjection));
    const engine = new ProjectionEngine(orderSummaryProjection, search, store, 'ix');
    assert.equal(await engine.apply(placed!), 'applied');
    assert.equal(await engine.apply(added!), 'applied');
    assert.equal(await engine.apply(added!), 'duplicate');
    assert.equal(await engine.apply(placed!), 'duplicate');
    assert.equal(await engine.apply(paid!), 'applied');
    assert.deepEqual(engine.stats, { applied: 3, duplicates: 2, ignored: 0, gapsFilled: 0 });
    await engine.flush();
    const doc = await search.get('ix', orderDocId('acme', 'o1'));
    assert.equal(doc?.status, 'paid');
    assert.equal(doc?.itemCount, 3);
    assert.equal(doc?.linesJson, JSON.stringify([
      { sku: 'w-1', name: 'red widget', quantity: 2, unitPriceCents: 500 },
      { sku: 'g-2', name: 'blue gadget', quantity: 1, unitPriceCents: 1250 },
    ]));
  });

  it('drops what a handler staged before it failed: the gap is filled, then the event is applied once', async () => {
    const calls: string[] = [];
    const def: ProjectionDefinition = {
      name: 'staged',
      index: { fields: [{ name: 'n', type: 'number' }] },
      handlers: {
        Tick: async (e, ctx) => {
          calls.push(`${e.streamId}@${e.version}`);
          const last = jsonMap<number>(await ctx.get('main'), APPLIED_FIELD.name)[e.streamId] ?? 0;
          if (e.version > last + 1) {
            // Staged, then the handler fails: this write must never reach the index.
            ctx.put({ id: `ghost-${e.version}`, n: -1 });
            throw new ProjectionGapError(e.streamId, last + 1, e.version - 1);
          }
          await updateOnce(ctx, 'main', e, (d) => ({ id: 'main', n: Number(d?.n ?? 0) + 1 }));
        },
      },
    };
    const stored: StoredEvent[] = [];
    for (let i = 1; i <= 3; i++) stored.push(...(await store.append('t:Ticker-1', [{ type: 'Tick', schemaVersion: 1, data: {}, metadata: { tenant: 't' }, eventId: `t-${i}` }])).events);
    await search.createIndex('staged', indexDefinitionOf(def));
    const engine = new ProjectionEngine(def, search, store, 'staged', true);
    assert.equal(await engine.apply(stored[2]!), 'applied');
    assert.equal(await engine.apply(stored[1]!), 'duplicate');
    await engine.flush();
    assert.deepEqual(calls, ['t:Ticker-1@3', 't:Ticker-1@1', 't:Ticker-1@2', 't:Ticker-1@3', 't:Ticker-1@2']);
    assert.equal(engine.stats.gapsFilled, 1);
    assert.deepEqual(await allDocs(search, 'staged'), [{ id: 'main', n: 3, tenant: 't', [APPLIED_FIELD.name]: '{"t:Ticker-1":3}' }]);
  });

  it('counts poison events in a rebuild and leaves only their documents out', async () => {
    const poisonous: ProjectionDefinition = {
      ...orderSummaryProjection,
      handlers: {
        ...orderSummaryProjection.handlers,
        OrderPlaced: async (e, ctx) => {
          if ((e.data as { customerId: string }).customerId === 'poison') throw new PermanentError(`order ${(e.data as { orderId: string }).orderId} refused`);
          return orderSummaryProjection.handlers.OrderPlaced!(e, ctx);
        },
      },
    };
    await appendOrder(store, 'acme', 'ok1', 'alice', ['pay']);
    await appendOrder(store, 'acme', 'bad', 'poison', ['add', 'pay']);
    await appendOrder(store, 'acme', 'ok2', 'bob');
    const r = await rebuildProjection(poisonous, { store, search, checkpoints }, { swap: false, pageSize: 2 });
    assert.equal(r.poisoned, 3, 'the refused OrderPlaced and the two events that needed it');
    assert.equal(r.applied, 3);
    assert.deepEqual((await allDocs(search, r.index)).map((d) => d.id).sort(), [orderDocId('acme', 'ok1'), orderDocId('acme', 'ok2')]);
  });

  it('a document removed in one page and created again later is rebuilt correctly (fresh index, any page size)', async () => {
    // One "flag" document per stream: Set creates or updates it, Clear removes it.
    const def: ProjectionDefinition = {
      name: 'flags',
      index: { fields: [{ name: 'value', type: 'keyword' }, { name: 'sets', type: 'number' }] },
      handlers: {
        Set: (e, ctx) => ctx.get(e.streamId).then((d) => ctx.put({ id: e.streamId, value: String((e.data as { value: string }).value), sets: Number(d?.sets ?? 0) + 1 })),
        Clear: async (e, ctx) => ctx.remove(e.streamId),
      },
    };
    const ev = (type: string, value?: string) => ({ eventId: `${type}-${Math.random()}`, type, schemaVersion: 1, data: value ? { value } : {}, metadata: { tenant: 't' } });
    await store.append('t:Flag-a', [ev('Set', 'one'), ev('Set', 'two'), ev('Clear'), ev('Set', 'three')]);
    await store.append('t:Flag-b', [ev('Set', 'x'), ev('Clear')]);
    await store.append('t:Flag-c', [ev('Set', 'y')]);
    await store.append('t:Flag-a', [ev('Set', 'four')]);
    for (const pageSize of [1, 2, 3, 100]) {
      const r = await rebuildProjection(def, { store, search, checkpoints }, { swap: false, pageSize });
      assert.deepEqual((await allDocs(search, r.index)).map((d) => [d.id, d.value, d.sets]), [['t:Flag-a', 'four', 2], ['t:Flag-c', 'y', 1]], `page size ${pageSize}`);
    }
  });

  it('a handler staging many documents (rewrites and removals included) gets each one as last staged', async () => {
    const def: ProjectionDefinition = {
      name: 'fanout',
      index: { fields: [{ name: 'n', type: 'number' }] },
      handlers: {
        Fan: async (_e, ctx) => {
          for (let i = 0; i < 100; i++) ctx.put({ id: `d${i}`, n: i });
          for (let i = 0; i < 100; i += 3) ctx.put({ id: `d${i}`, n: Number((await ctx.get(`d${i}`))?.n) * 10 });
          for (let i = 1; i < 100; i += 10) ctx.remove(`d${i}`);
          assert.equal(await ctx.get('d1'), undefined);
          assert.equal((await ctx.get('d99'))?.n, 990);
        },
      },
    };
    await store.append('t:Fan-1', [{ eventId: 'f1', type: 'Fan', schemaVersion: 1, data: {}, metadata: { tenant: 't' } }]);
    const r = await rebuildProjection(def, { store, search, checkpoints }, { swap: false });
    const docs = await allDocs(search, r.index);
    assert.equal(docs.length, 90);
    for (const d of docs) {
      const i = Number(d.id.slice(1));
      assert.equal(d.n, i % 3 === 0 ? i * 10 : i, d.id);
    }
  });

  it('markApplied copies: neither the document nor the previous version changes', async () => {
    const [placed, added] = await appendOrder(store, 'acme', 'o1', 'alice', ['add']);
    const first: SearchDocument = markApplied({ id: 'd', n: 1 }, placed!);
    const frozen = Object.freeze({ ...first });
    const second: SearchDocument = markApplied({ ...frozen, n: 2 }, added!, frozen);
    assert.deepEqual(jsonMap<number>(frozen, APPLIED_FIELD.name), { 'acme:Order-o1': 1 });
    assert.deepEqual(jsonMap<number>(second, APPLIED_FIELD.name), { 'acme:Order-o1': 2 });
    assert.equal(second.tenant, 'acme');
  });
});

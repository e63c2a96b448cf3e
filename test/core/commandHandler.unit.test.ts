/** The command handler over the in-memory stores: metadata, idempotency, conflicts, nothing stored on failure. */
import assert from 'node:assert/strict';
import { ConcurrencyError, InvalidArgumentError, SchemaValidationError, type EventStore, type IdempotencyStore, type StoredEvent } from '../../runtime/ports';
import { InvariantViolationError, UndeclaredEventError, UnknownCommandError } from '../../runtime/core/aggregate';
import { CommandIdReusedError, commandEventId } from '../../runtime/core/commandHandlerSupport';
import type { EventPipeline } from '../../runtime/core/pipeline';
import { loadAggregate } from '../../runtime/core/aggregateLoader';
import { orderDecider, type OrderState } from '../../examples/orders';
import { addItem, coreFixture, place } from './fixtures';

describe('CommandHandler', () => {
  it('appends the decided events to the tenant-qualified stream with full metadata', async () => {
    const { handler, eventStore } = coreFixture();
    const r = await handler.handle(place('1', { commandId: 'cmd-1', actor: 'alice', correlationId: 'corr-9', traceparent: '00-aa-bb-01' }));
    assert.equal(r.stream, 'Order-1');
    assert.equal(r.version, 1);
    assert.equal(r.replayed, false);
    const [e] = await eventStore.readStream('acme:Order-1');
    assert.equal(e!.type, 'OrderPlaced');
    assert.equal(e!.eventId, commandEventId('acme', 'cmd-1', 0));
    assert.deepEqual(e!.metadata, { tenant: 'acme', commandId: 'cmd-1', causationId: 'cmd-1', correlationId: 'corr-9', actor: 'alice', traceparent: '00-aa-bb-01' });
  });

  it('derives the same event ids from the same command id, different ones otherwise', () => {
    assert.equal(commandEventId('t', 'c', 0), commandEventId('t', 'c', 0));
    assert.notEqual(commandEventId('t', 'c', 0), commandEventId('t', 'c', 1));
    assert.notEqual(commandEventId('t', 'c', 0), commandEventId('u', 'c', 0));
    assert.match(commandEventId('t', 'c', 0), /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('a repeated command id returns the first result and appends nothing', async () => {
    const { handler, eventStore } = coreFixture();
    await handler.handle(place('1'));
    const first = await handler.handle(addItem('1', 'PEN', { commandId: 'add-pen' }));
    const again = await handler.handle(addItem('1', 'PEN', { commandId: 'add-pen' }));
    assert.equal(again.replayed, true);
    assert.deepEqual({ ...again, replayed: false }, first);
    assert.equal((await eventStore.readStream('acme:Order-1')).length, 2);
  });

  it('refuses a command id reused for another stream or command type', async () => {
    const { handler } = coreFixture();
    await handler.handle(place('1', { commandId: 'same' }));
    await assert.rejects(handler.handle(place('2', { commandId: 'same' })), CommandIdReusedError);
  });

  it('a crash between append and idempotency record still appends nothing twice', async () => {
    const fx = coreFixture();
    let failNext = true;
    const flaky: IdempotencyStore = {
      get: (k) => fx.idempotency.get(k),
      close: () => fx.idempotency.close(),
      putIfAbsent: async (k, v, ttl) => {
        if (failNext) {
          failNext = false;
          throw new Error('process died here');
        }
        return fx.idempotency.putIfAbsent(k, v, ttl);
      },
    };
    const { handler, eventStore } = coreFixture({ handler: { eventStore: fx.eventStore, idempotency: flaky } });
    await assert.rejects(handler.handle(place('1', { commandId: 'p-1' })), /process died here/);
    const retried = await handler.handle(place('1', { commandId: 'p-1' }));
    assert.equal(retried.replayed, true);
    assert.equal(retried.version, 1);
    assert.equal((await fx.eventStore.readStream('acme:Order-1')).length, 1);
    assert.equal((await eventStore.readStream('acme:Order-1')).length, 0, 'fixture store untouched');
  });

  it('retries on conflict when the client gave no expected version: concurrent commands all land', async () => {
    const { handler, eventStore } = coreFixture({ handler: { maxAttempts: 20 } });
    await handler.handle(place('1'));
    const skus = ['A', 'B', 'C', 'D', 'E', 'F'];
    await Promise.all(skus.map((s) => handler.handle(addItem('1', s))));
    const events = await eventStore.readStream('acme:Order-1');
    assert.deepEqual(events.map((e) => e.version), [1, 2, 3, 4, 5, 6, 7]);
    assert.deepEqual(new Set(events.slice(1).map((e) => e.data.sku)), new Set(skus));
    assert.ok(handler.stats.conflictsRetried > 0, 'the interleaving produced conflicts that were retried');
  });

  it('gives up after maxAttempts and surfaces the ConcurrencyError', async () => {
    const fx = coreFixture();
    await fx.handler.handle(place('1'));
    // Every read by the racing handler is followed by a competing append, so every attempt conflicts.
    let n = 0;
    const store = fx.eventStore;
    const competing: EventStore = {
      append: (id, ev, exp) => store.append(id, ev, exp),
      readAll: (o) => store.readAll(o),
      streamInfo: (id) => store.streamInfo(id),
      close: () => store.close(),
      readStream: async (id, o) => {
        const r = await store.readStream(id, o);
        await store.append(id, [{ eventId: `rival-${n++}`, type: 'ItemAdded', schemaVersion: 1, data: { orderId: '1', sku: `R${n}`, name: 'r', quantity: 1, unitPriceCents: 1 } }]);
        return r;
      },
    };
    const racing = coreFixture({ handler: { eventStore: competing, maxAttempts: 2 } });
    await assert.rejects(racing.handler.handle(addItem('1', 'PEN')), ConcurrencyError);
    assert.equal(racing.handler.stats.conflictsRetried, 1);
    assert.equal((await store.readStream('acme:Order-1')).filter((e) => e.data.sku === 'PEN').length, 0);
  });

  it('an expected version that does not match is a 409-class error naming both versions, not retried', async () => {
    const { handler, eventStore } = coreFixture();
    await handler.handle(place('1'));
    const err = await handler.handle(addItem('1', 'PEN', { expectedVersion: 0 })).catch((e: unknown) => e);
    assert.ok(err instanceof ConcurrencyError);
    assert.equal(err.expected, 0);
    assert.equal(err.actual, 1);
    assert.equal(handler.stats.conflictsRetried, 0);
    assert.equal((await eventStore.readStream('acme:Order-1')).length, 1);
    await handler.handle(addItem('1', 'PEN', { expectedVersion: 1 }));
    assert.equal((await eventStore.readStream('acme:Order-1')).length, 2);
  });

  it('stores nothing when an invariant is violated, and does not remember the command id', async () => {
    const { handler, eventStore } = coreFixture();
    await assert.rejects(handler.handle(addItem('1', 'PEN', { commandId: 'early' })), (e: unknown) => e instanceof InvariantViolationError && e.rule === 'order-must-exist');
    assert.equal((await eventStore.streamInfo('acme:Order-1')).exists, false);
    await handler.handle(place('1'));
    const later = await handler.handle(addItem('1', 'PEN', { commandId: 'early' }));
    assert.equal(later.replayed, false);
  });

  it('rejects unknown aggregates, unknown commands and bad payloads before any I/O', async () => {
    const { handler, eventStore } = coreFixture();
    await assert.rejects(handler.handle({ ...place('1'), aggregateType: 'Invoice' }), UnknownCommandError);
    await assert.rejects(handler.handle({ ...place('1'), type: 'Teleport' }), UnknownCommandError);
    await assert.rejects(handler.handle({ ...place('1'), type: 'toString' }), UnknownCommandError);
    const bad = await handler.handle({ ...place('1'), payload: { customerId: 'c', currency: 'EUR', items: [{ sku: 'X', name: 'x', quantity: 'two', unitPriceCents: 1 }] } })
      .catch((e: unknown) => e);
    assert.ok(bad instanceof InvalidArgumentError);
    assert.equal(bad.field, 'payload.items[0].quantity');
    const extra = await handler.handle({ ...place('1'), payload: { customerId: 'c', currency: 'EUR', color: 'red' } }).catch((e: unknown) => e);
    assert.ok(extra instanceof InvalidArgumentError);
    assert.equal(extra.field, 'payload.color');
    assert.equal((await eventStore.readAll()).events.length, 0);
  });

  it('an aggregate that emits an undeclared event type stores nothing', async () => {
    const rogue = { ...orderDecider, aggregateType: 'Rogue', decide: () => [{ type: 'Surprise', data: {} }] };
    const { handler, eventStore } = coreFixture({ deciders: [rogue] });
    await assert.rejects(handler.handle({ ...place('1'), aggregateType: 'Rogue' }), UndeclaredEventError);
    assert.equal((await eventStore.readAll()).events.length, 0);
  });

  it('runs every append through the pipeline: a schema rejection stores nothing', async () => {
    const seen: string[] = [];
    const pipeline: EventPipeline = {
      beforeAppend: (events) => {
        seen.push(...events.map((e) => e.type));
        if (events.some((e) => e.type === 'ItemAdded')) throw new SchemaValidationError('ItemAdded', 1, [{ path: 'sku', message: 'too long' }]);
        return events;
      },
      afterRead: (events) => [...events],
    };
    const { handler, eventStore } = coreFixture({ handler: { pipeline } });
    await handler.handle(place('1'));
    await assert.rejects(handler.handle(addItem('1', 'PEN')), SchemaValidationError);
    assert.deepEqual(seen, ['OrderPlaced', 'ItemAdded']);
    assert.equal((await eventStore.readStream('acme:Order-1')).length, 1);
  });

  it('loads state through the pipeline: afterRead upcasts old events before evolve', async () => {
    const { handler, eventStore } = coreFixture();
    // A v0-style OrderPlaced without items, as an old writer stored it.
    await eventStore.append('acme:Order-9', [{ eventId: 'old-1', type: 'OrderPlaced', schemaVersion: 1, data: { orderId: '9', customerId: 'c', currency: 'EUR' } }]);
    const upcast: EventPipeline = {
      beforeAppend: (e) => e,
      afterRead: (events) => events.map((e): StoredEvent => (e.type === 'OrderPlaced' && !('items' in e.data) ? { ...e, data: { ...e.data, items: [] } } : e)),
    };
    const loaded = await loadAggregate<never, never, OrderState>({ eventStore, pipeline: upcast }, orderDecider as never, 'acme:Order-9');
    assert.deepEqual(loaded.state.items, []);
    const h = coreFixture({ handler: { eventStore, pipeline: upcast } }).handler;
    const r = await h.handle(addItem('9', 'PEN'));
    assert.equal(r.version, 2);
    assert.ok(handler);
  });

  it('keeps tenants apart: the same aggregate id in two tenants is two streams', async () => {
    const { handler, eventStore } = coreFixture();
    await handler.handle(place('1'));
    await handler.handle(place('1', { tenant: 'globex' }));
    assert.equal((await eventStore.readStream('acme:Order-1')).length, 1);
    assert.equal((await eventStore.readStream('globex:Order-1')).length, 1);
  });

  it('a command that decides nothing appends nothing and reports the current version', async () => {
    const noop = { ...orderDecider, aggregateType: 'Noop', decide: () => [] };
    const { handler, eventStore } = coreFixture({ deciders: [noop] });
    const r = await handler.handle({ ...place('1'), aggregateType: 'Noop' });
    assert.deepEqual([r.version, r.events.length], [0, 0]);
    assert.equal((await eventStore.readAll()).events.length, 0);
  });
});

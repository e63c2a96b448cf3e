/**
 * The governed pipeline on the real command path (CommandHandler + in-memory stores +
 * LocalSchemaRegistry seeded from schemas/): invalid and unregistered events are rejected
 * with SchemaValidationError naming the field and nothing is stored; an Orders stream written
 * with v1 events loads as v2 after v2 is introduced, and the stored events stay v1.
 */
import { strict as assert } from 'node:assert';
import { orderDecider } from '../../examples/orders';
import { isSchemaValidationError } from '../../runtime/ports/SchemaRegistry';
import { loadAggregate } from '../../runtime/core/aggregateLoader';
import { AggregateRegistry } from '../../runtime/core/aggregate';
import { CommandHandler } from '../../runtime/core/commandHandler';
import { coreFixture, place } from '../core/fixtures';
import { governed, probeDecider, schemasUpTo } from './fixtures';

const emit = (id: string, type: string, data: Record<string, unknown>) => ({
  tenant: 'acme', aggregateType: 'Probe', aggregateId: id, type: 'Emit', payload: { type, data },
});

describe('governed pipeline on the command path', () => {
  it('stores a valid event', async () => {
    const { pipeline, registry } = await governed();
    const { handler, eventStore } = coreFixture({ handler: { pipeline } });
    const r = await handler.handle(place('1'));
    assert.equal(r.events.length, 1);
    assert.equal((await eventStore.readStream('acme:Order-1')).length, 1);
    await registry.close();
  });

  it('rejects an event that does not match its schema, naming the field; nothing is stored', async () => {
    const { pipeline, registry } = await governed();
    const { handler, eventStore } = coreFixture({ deciders: [probeDecider], handler: { pipeline } });
    const bad = { orderId: 'o-1', customerId: 'c-1', currency: 'EUR', items: [{ sku: 'A', name: 'A', quantity: 'two', unitPriceCents: 5 }] };
    await assert.rejects(handler.handle(emit('1', 'OrderPlaced', bad)), (e: unknown) => {
      assert.ok(isSchemaValidationError(e));
      assert.equal(e.eventType, 'OrderPlaced');
      assert.deepEqual(e.issues, [{ path: 'items[0].quantity', message: 'expected int, got string' }]);
      assert.match(e.message, /event OrderPlaced v1 does not match its schema: items\[0\]\.quantity: expected int, got string/);
      return true;
    });
    assert.deepEqual(await eventStore.readStream('acme:Probe-1'), []);
    assert.equal((await eventStore.readAll()).events.length, 0);
    await registry.close();
  });

  it('rejects an unregistered event type the same way; nothing is stored', async () => {
    const { pipeline, registry } = await governed();
    const { handler, eventStore } = coreFixture({ deciders: [probeDecider], handler: { pipeline } });
    await assert.rejects(handler.handle(emit('2', 'NotRegistered', { a: 1 })), (e: unknown) => {
      assert.ok(isSchemaValidationError(e));
      assert.equal(e.eventType, 'NotRegistered');
      assert.equal(e.schemaVersion, undefined);
      assert.equal(e.issues[0]?.path, 'type');
      return true;
    });
    assert.equal((await eventStore.readAll()).events.length, 0);
    await registry.close();
  });

  it('an Orders stream written with v1 events loads as v2 after v2 is introduced; stored events are not rewritten', async () => {
    // The world before v2: the v1 schemas only, and events in the v1 shape (as the old code wrote them).
    const before = schemasUpTo(1);
    const old = await governed(before.dir);
    const { eventStore, snapshots, idempotency } = coreFixture();
    const v1 = (i: number, type: string, data: Record<string, unknown>) => ({ eventId: `old-${i}`, type, schemaVersion: 1, data });
    const line = { sku: 'BOOK', name: 'Book', quantity: 1, unitPriceCents: 1000 };
    const history = [
      v1(1, 'OrderPlaced', { orderId: '7', customerId: 'c-1', currency: 'EUR', items: [line] }),
      v1(2, 'PaymentConfirmed', { orderId: '7', paymentId: 'pay-1', amountCents: 1000 }),
      v1(3, 'OrderShipped', { orderId: '7', carrier: 'DHL', trackingNumber: 'JD01' }),
    ];
    await eventStore.append('acme:Order-7', await old.pipeline.beforeAppend(history, { streamId: 'acme:Order-7' }), 'no_stream');
    await eventStore.append('acme:Order-8', await old.pipeline.beforeAppend(history.slice(0, 2).map((e) => ({ ...e, eventId: `${e.eventId}-8`, data: { ...e.data, orderId: '8' } })), { streamId: 'acme:Order-8' }), 'no_stream');
    // The v2 shape was not acceptable then: v1 knows no trackingCode.
    await assert.rejects(async () => old.pipeline.beforeAppend([v1(9, 'OrderShipped', { orderId: '7', carrier: 'DHL', trackingCode: 'X' })], { streamId: 'acme:Order-9' }), isSchemaValidationError);
    await old.registry.close();
    before.cleanup();

    // Deploy v2: the registry accepts the new versions (compatibility checked) and reads upcast.
    const now = await governed();
    assert.deepEqual(await now.registry.versions('OrderShipped'), [1, 2]);
    const loaded = await loadAggregate({ eventStore, snapshots, pipeline: now.pipeline }, orderDecider, 'acme:Order-7');
    assert.equal(loaded.state.status, 'shipped');
    assert.equal(loaded.state.paymentId, 'pay-1');
    assert.equal(loaded.state.totalCents, 1000);
    assert.equal(loaded.version, 3);
    const [placed, , shipped] = loaded.tail;
    assert.deepEqual({ v: placed?.schemaVersion, channel: placed?.data.channel }, { v: 2, channel: null });
    assert.deepEqual({ v: shipped?.schemaVersion, data: shipped?.data }, { v: 2, data: { orderId: '7', carrier: 'DHL', trackingCode: 'JD01' } });
    const raw = await eventStore.readStream('acme:Order-7');
    assert.deepEqual(raw.map((e) => e.schemaVersion), [1, 1, 1], 'stored events keep their version');
    assert.equal(raw[2]?.data.trackingNumber, 'JD01');

    // New commands on a v1 stream write the latest version next to the old events.
    const next = new CommandHandler({ eventStore, snapshots, idempotency, aggregates: new AggregateRegistry([orderDecider]), pipeline: now.pipeline });
    const shippedNow = await next.handle({ tenant: 'acme', aggregateType: 'Order', aggregateId: '8', type: 'ShipOrder', payload: { carrier: 'UPS', trackingCode: '1Z9' } });
    assert.equal(shippedNow.events[0]?.schemaVersion, 2);
    const mixed = await eventStore.readStream('acme:Order-8');
    assert.deepEqual(mixed.map((e) => e.schemaVersion), [1, 1, 2]);
    assert.deepEqual(now.pipeline.afterRead(mixed).map((e) => e.schemaVersion), [2, 1, 2]);
    await assert.rejects(next.handle({ tenant: 'acme', aggregateType: 'Order', aggregateId: '7', type: 'CancelOrder', payload: { reason: 'late' } }), /shipped/);
    await now.registry.close();
  });
});

describe('governed pipeline: defaults are written out at append', () => {
  it('stores a defaulted field the writer left out, so the latest shape read back is complete', async () => {
    const { pipeline, registry } = await governed();
    const { handler, eventStore } = coreFixture({ deciders: [probeDecider], handler: { pipeline } });
    const data = { orderId: 'o-1', customerId: 'c-1', currency: 'EUR', items: [] };
    // The probe writes schema version 1 (no schemaVersions declared): stamp v2 through the pipeline directly.
    const [stored] = await pipeline.beforeAppend([{ eventId: 'e-1', type: 'OrderPlaced', schemaVersion: 2, data }], { streamId: 'acme:Probe-1' });
    assert.deepEqual(stored?.data, { ...data, channel: null });
    await handler.handle(emit('3', 'OrderPlaced', data));
    assert.deepEqual((await eventStore.readStream('acme:Probe-3'))[0]?.data, data, 'v1 has no defaulted fields: stored as sent');
    await registry.close();
  });
});

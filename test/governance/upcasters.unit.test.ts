/**
 * Upcaster chains: derived from the real schemas/ by Avro resolution (added field with default,
 * renamed field via alias), explicit links, and the startup errors for broken chains.
 */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import type { StoredEvent } from '../../runtime/ports/events';
import { loadSchemaDir } from '../../runtime/core/schema/schemaFiles';
import {
  UpcasterChain, avroUpcaster, isUpcastError, isUpcasterChainError, registryUpcasters, schemaUpcasters,
} from '../../runtime/core/schema/upcasters';
import { LocalSchemaRegistry } from '../../runtime/adapters/local/LocalSchemaRegistry';

const schemas = loadSchemaDir(join(__dirname, '..', '..', 'schemas'));

function stored(type: string, schemaVersion: number, data: Record<string, unknown>): StoredEvent {
  return { eventId: `e-${type}`, type, schemaVersion, data, streamId: 't:Order-1', version: 1, position: '1', recordedAt: '2026-01-01T00:00:00.000Z', metadata: {} };
}

describe('upcasters', () => {
  const chain = schemaUpcasters(schemas);

  it('fills a field added in v2 with its default (OrderPlaced v1 → v2)', () => {
    const v1 = stored('OrderPlaced', 1, { orderId: 'o-1', customerId: 'c-1', currency: 'EUR', items: [{ sku: 'A', name: 'Apple', quantity: 2, unitPriceCents: 50 }] });
    const up = chain.upcast(v1);
    assert.equal(up.schemaVersion, 2);
    assert.deepEqual(up.data, { ...v1.data, channel: null });
    assert.equal(v1.schemaVersion, 1, 'the stored event object is not modified');
    assert.equal('channel' in v1.data, false);
  });

  it('carries a field renamed through an alias (OrderShipped trackingNumber → trackingCode)', () => {
    const up = chain.upcast(stored('OrderShipped', 1, { orderId: 'o-1', carrier: 'DHL', trackingNumber: 'JD0001' }));
    assert.deepEqual(up.data, { orderId: 'o-1', carrier: 'DHL', trackingCode: 'JD0001' });
    assert.equal(up.schemaVersion, 2);
  });

  it('returns latest-version and unknown-type events unchanged', () => {
    const latest = stored('OrderShipped', 2, { orderId: 'o', carrier: 'c', trackingCode: 't' });
    assert.equal(chain.upcast(latest), latest);
    const other = stored('SomethingElse', 1, { a: 1 });
    assert.equal(chain.upcast(other), other);
  });

  it('applies explicit links in order across several versions', () => {
    const c = new UpcasterChain(new Map([['Price', 3]]), [
      { eventType: 'Price', fromVersion: 2, upcast: (d) => ({ amountCents: d.amount as number * 100, currency: d.currency }) },
      { eventType: 'Price', fromVersion: 1, upcast: (d) => ({ ...d, currency: 'EUR' }) },
    ]);
    assert.deepEqual(c.upcast(stored('Price', 1, { amount: 3 })).data, { amountCents: 300, currency: 'EUR' });
    assert.deepEqual(c.upcast(stored('Price', 2, { amount: 4, currency: 'USD' })).data, { amountCents: 400, currency: 'USD' });
  });

  it('refuses a chain with a missing link at construction, naming the type and versions', () => {
    assert.throws(
      () => new UpcasterChain(new Map([['Price', 3]]), [{ eventType: 'Price', fromVersion: 1, upcast: (d) => d }]),
      (e) => isUpcasterChainError(e) && /Price: missing upcaster v2→v3 \(latest is v3\)/.test(e.message),
    );
  });

  it('refuses duplicate and stray links', () => {
    const link = { eventType: 'Price', fromVersion: 1, upcast: (d: Record<string, unknown>) => d };
    assert.throws(() => new UpcasterChain(new Map([['Price', 2]]), [link, link]), /two upcasters for v1→v2/);
    assert.throws(() => new UpcasterChain(new Map([['Price', 2]]), [link, { ...link, fromVersion: 2 }]), /outside 1\.\.2/);
    assert.throws(() => new UpcasterChain(new Map(), [link]), /Price: upcaster v1→v2 for an event type with no schema/);
  });

  it('refuses to derive a link the schemas cannot resolve (needs an explicit upcaster)', () => {
    const v1 = { type: 'record', name: 'X', fields: [{ name: 'a', type: 'string' }] };
    const v2 = { type: 'record', name: 'X', fields: [{ name: 'b', type: 'string' }] };
    assert.throws(() => avroUpcaster('X', 1, v1, v2), (e) => isUpcasterChainError(e) && /X: v2 cannot read v1 data.*register an explicit upcaster for v1→v2/.test(e.message));
    const set = { defaultCompatibility: 'NONE' as const, subjects: new Map([['X', { subject: 'X', versions: [{ version: 1, path: 'X.v1.avsc', schema: JSON.stringify(v1) }, { version: 2, path: 'X.v2.avsc', schema: JSON.stringify(v2) }] }]]) };
    assert.throws(() => schemaUpcasters(set), isUpcasterChainError);
    const fixed = schemaUpcasters(set, [{ eventType: 'X', fromVersion: 1, upcast: (d) => ({ b: d.a }) }]);
    assert.deepEqual(fixed.upcast(stored('X', 1, { a: 'z' })).data, { b: 'z' });
  });

  it('reports an event newer than the latest known schema, and data that does not match its version', () => {
    assert.throws(() => chain.upcast(stored('OrderShipped', 3, {})), (e) => isUpcastError(e) && /newer than the latest known v2/.test(e.message));
    assert.throws(() => chain.upcast(stored('OrderShipped', 1, { orderId: 1 })), (e) => isUpcastError(e) && /OrderShipped.*v1→v2 failed/.test(e.message));
  });
});

describe('upcasters from a registry', () => {
  it('builds the chain from registered versions, ignoring subjects that cannot describe JSON events', async () => {
    const registry = await LocalSchemaRegistry.open({ path: ':memory:', schemasDir: join(__dirname, '..', '..', 'schemas') });
    try {
      // A Kafka subject registered through the Confluent API: an ambiguous union, then a NONE-mode break.
      await registry.setCompatibility('NONE', 'payments-value');
      await registry.register('payments-value', JSON.stringify({ type: 'record', name: 'P', fields: [{ name: 'n', type: ['int', 'long'] }] }));
      await registry.register('payments-value', JSON.stringify({ type: 'record', name: 'P', fields: [{ name: 'm', type: ['int', 'long'] }] }));
      const chain = await registryUpcasters(registry);
      assert.equal(chain.latestVersion('OrderShipped'), 2);
      assert.equal(chain.latestVersion('payments-value'), undefined);
      assert.deepEqual(chain.upcast(stored('OrderShipped', 1, { orderId: 'o', carrier: 'c', trackingNumber: 't' })).data, { orderId: 'o', carrier: 'c', trackingCode: 't' });
      const only = await registryUpcasters(registry, [], { eventTypes: ['OrderPlaced'] });
      assert.deepEqual([...only.latestVersions().keys()], ['OrderPlaced']);
    } finally {
      await registry.close();
    }
  });
});

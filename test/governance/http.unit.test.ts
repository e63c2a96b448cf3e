/**
 * Governance over HTTP (Fastify inject on the command engineer's server, with the governed
 * pipeline and the registry API mounted as in production): a schema-invalid or unregistered
 * event is a 422 naming the field and nothing is stored; an Orders stream written with v1
 * events reads and accepts commands after v2 is introduced; /registry serves the Confluent API
 * behind the server's auth (reads: any token, writes: admin).
 */
import { strict as assert } from 'node:assert';
import { buildServer } from '../../runtime/http/server';
import { registryApiPlugin } from '../../runtime/http/registry';
import { orderDecider } from '../../examples/orders';
import { createGovernance } from '../../runtime/core/schema/governance';
import { LocalSchemaRegistry } from '../../runtime/adapters/local/LocalSchemaRegistry';
import { bearer, tokenFor, TEST_SECRET } from '../http/harness';
import { coreFixture } from '../core/fixtures';
import { probeDecider, SCHEMAS_DIR, schemasUpTo } from './fixtures';

async function governedServer(schemasDir = SCHEMAS_DIR) {
  const registry = await LocalSchemaRegistry.open({ path: ':memory:', schemasDir });
  const { pipeline } = await createGovernance({ registry, schemasDir });
  const fx = coreFixture({ deciders: [orderDecider, probeDecider], handler: { pipeline } });
  const app = buildServer({
    eventStore: fx.eventStore, aggregates: fx.aggregates, commands: fx.handler, pipeline,
    auth: { hs256Secret: TEST_SECRET }, plugins: [registryApiPlugin(registry)],
  });
  await app.ready();
  return {
    app, fx, registry, pipeline,
    allEvents: async () => (await fx.eventStore.readAll({ limit: 10_000 })).events.length,
    async close() {
      await app.close();
      await registry.close();
    },
  };
}

describe('governance over HTTP', () => {
  let auth: Record<string, string>;
  before(async () => { auth = bearer(await tokenFor()); });

  it('a schema-invalid event is a 422 naming the event type and field; nothing is stored', async () => {
    const s = await governedServer();
    const data = { orderId: 'o-1', customerId: 'c-1', currency: 'EUR', items: [{ sku: 'A', name: 'A', quantity: 'two', unitPriceCents: 5 }] };
    const res = await s.app.inject({ method: 'POST', url: '/commands/Probe/1', headers: auth, payload: { type: 'Emit', payload: { type: 'OrderPlaced', data } } });
    assert.equal(res.statusCode, 422, res.body);
    const body = res.json<{ code: string; eventType: string; field: string; issues: unknown[]; message: string }>();
    assert.equal(body.code, 'SCHEMA_VALIDATION_FAILED');
    assert.equal(body.eventType, 'OrderPlaced');
    assert.equal(body.field, 'items[0].quantity');
    assert.deepEqual(body.issues, [{ path: 'items[0].quantity', message: 'expected int, got string' }]);
    assert.match(body.message, /items\[0\]\.quantity: expected int, got string/);
    assert.equal(await s.allEvents(), 0);
    await s.close();
  });

  it('an unregistered event type is rejected the same way; nothing is stored', async () => {
    const s = await governedServer();
    const res = await s.app.inject({ method: 'POST', url: '/commands/Probe/2', headers: auth, payload: { type: 'Emit', payload: { type: 'NotRegistered', data: { a: 1 } } } });
    assert.equal(res.statusCode, 422, res.body);
    const body = res.json<{ code: string; eventType: string; field: string; message: string }>();
    assert.deepEqual([body.code, body.eventType, body.field], ['SCHEMA_VALIDATION_FAILED', 'NotRegistered', 'type']);
    assert.match(body.message, /NotRegistered is not registered in the schema registry/);
    assert.equal(await s.allEvents(), 0);
    await s.close();
  });

  it('valid Orders commands pass validation and are stored at the latest schema version', async () => {
    const s = await governedServer();
    const res = await s.app.inject({
      method: 'POST', url: '/commands/Order/5', headers: auth,
      payload: { type: 'PlaceOrder', payload: { customerId: 'c-1', currency: 'EUR', items: [{ sku: 'A', name: 'A', quantity: 1, unitPriceCents: 5 }] } },
    });
    assert.equal(res.statusCode < 300, true, res.body);
    const [stored] = await s.fx.eventStore.readStream('acme:Order-5');
    assert.equal(stored?.schemaVersion, 2);
    assert.equal(stored?.data.channel, null);
    await s.close();
  });

  it('an Orders stream written with v1 events loads correctly after v2 is introduced', async () => {
    // Before v2: v1 schemas only; v1-shaped events as the old code wrote them.
    const before = schemasUpTo(1);
    const old = await governedServer(before.dir);
    const line = { sku: 'BOOK', name: 'Book', quantity: 2, unitPriceCents: 500 };
    const v1 = [
      { eventId: 'v1-1', type: 'OrderPlaced', schemaVersion: 1, data: { orderId: '7', customerId: 'c-1', currency: 'EUR', items: [line] } },
      { eventId: 'v1-2', type: 'PaymentConfirmed', schemaVersion: 1, data: { orderId: '7', paymentId: 'pay-1', amountCents: 1000 } },
    ];
    await old.fx.eventStore.append('acme:Order-7', await old.pipeline.beforeAppend(v1, { streamId: 'acme:Order-7' }), 'no_stream');
    await old.fx.eventStore.append('acme:Order-7', await old.pipeline.beforeAppend([{ eventId: 'v1-3', type: 'OrderShipped', schemaVersion: 1, data: { orderId: '7', carrier: 'DHL', trackingNumber: 'JD01' } }], { streamId: 'acme:Order-7' }), 2);
    await old.fx.eventStore.append('acme:Order-8', await old.pipeline.beforeAppend(v1.map((e) => ({ ...e, eventId: `${e.eventId}-8`, data: { ...e.data, orderId: '8' } })), { streamId: 'acme:Order-8' }), 'no_stream');
    const events = await old.fx.eventStore.readAll({ limit: 100 });
    await old.close();
    before.cleanup();

    // v2 deployed: same events (copied into the new server's store as they are), new pipeline.
    const s = await governedServer();
    for (const stream of ['acme:Order-7', 'acme:Order-8']) {
      const own = events.events.filter((e) => e.streamId === stream);
      await s.fx.eventStore.append(stream, own.map(({ eventId, type, schemaVersion, data, metadata }) => ({ eventId, type, schemaVersion, data, metadata })), 'no_stream');
    }
    const read = await s.app.inject({ method: 'GET', url: '/streams/Order-7', headers: auth });
    assert.equal(read.statusCode, 200, read.body);
    const body = read.json<{ events: Array<{ type: string; schemaVersion: number; data: Record<string, unknown> }> }>();
    assert.deepEqual(body.events.map((e) => [e.type, e.schemaVersion]), [['OrderPlaced', 2], ['PaymentConfirmed', 1], ['OrderShipped', 2]]);
    assert.equal(body.events[0]!.data.channel, null);
    assert.deepEqual(body.events[2]!.data, { orderId: '7', carrier: 'DHL', trackingCode: 'JD01' });

    // The aggregate loads from v1 events: shipping order 8 (placed + paid in v1) succeeds; order 7 is already shipped.
    const ship = (id: string) => s.app.inject({ method: 'POST', url: `/commands/Order/${id}`, headers: auth, payload: { type: 'ShipOrder', payload: { carrier: 'UPS', trackingCode: '1Z' } } });
    assert.equal((await ship('8')).statusCode < 300, true);
    const again = await ship('7');
    assert.equal(again.statusCode, 422);
    assert.match(again.body, /already shipped/);
    const raw = await s.fx.eventStore.readStream('acme:Order-7');
    assert.deepEqual(raw.map((e) => e.schemaVersion), [1, 1, 1], 'stored events are never rewritten');
    await s.close();
  });

  it('serves the Confluent API under /registry behind the server auth', async () => {
    const s = await governedServer();
    const anonymous = await s.app.inject({ method: 'GET', url: '/registry/subjects' });
    assert.equal(anonymous.statusCode, 401);
    assert.equal(anonymous.json<{ error_code: number }>().error_code, 40101);
    const subjects = await s.app.inject({ method: 'GET', url: '/registry/subjects', headers: auth });
    assert.equal(subjects.statusCode, 200);
    assert.equal(subjects.headers['content-type'], 'application/vnd.schemaregistry.v1+json');
    assert.ok(subjects.json<string[]>().includes('OrderPlaced'));
    const reader = bearer(await tokenFor({ scopes: ['queries:read'] }));
    const write = await s.app.inject({ method: 'PUT', url: '/registry/config', headers: { ...reader, 'content-type': 'application/json' }, payload: { compatibility: 'NONE' } });
    assert.equal(write.statusCode, 403);
    assert.equal(write.json<{ error_code: number }>().error_code, 40301);
    assert.equal(await s.registry.getCompatibility(), 'BACKWARD');
    await s.close();
  });
});

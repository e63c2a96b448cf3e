/** POST /commands/:aggregate/:id over app.inject: every bad input gets its code AND stores nothing. */
import assert from 'node:assert/strict';
import { SchemaValidationError } from '../../runtime/ports';
import type { EventPipeline } from '../../runtime/core/pipeline';
import { describeRouteAuth } from './authCases';
import { bearer, buildTestServer, tokenFor, type TestServer } from './harness';

const placeBody = { type: 'PlaceOrder', payload: { customerId: 'c-1', currency: 'EUR', items: [{ sku: 'BOOK', name: 'Book', quantity: 1, unitPriceCents: 1500 }] } };

describe('POST /commands/:aggregate/:id', () => {
  let s: TestServer;
  let auth: Record<string, string>;
  beforeEach(async () => {
    s = await buildTestServer();
    auth = bearer(await tokenFor());
  });
  afterEach(async () => {
    await s.app.close();
  });
  const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
    s.app.inject({ method: 'POST', url, headers: { ...auth, ...headers }, payload: payload as object });
  const expectError = async (res: { statusCode: number; json: <T>() => T; body: string }, status: number, code: string) => {
    assert.equal(res.statusCode, status, res.body);
    const body = res.json<{ code: string; statusCode: number; message: string }>();
    assert.equal(body.code, code);
    assert.equal(body.statusCode, status);
    assert.ok(body.message.length > 0);
    assert.equal(await s.allEvents(), 0, 'nothing was stored');
    return body;
  };

  it('201 with the appended events, stored in the tenant-qualified stream', async () => {
    const res = await post('/commands/Order/42', { ...placeBody, commandId: 'cmd-1' });
    assert.equal(res.statusCode, 201, res.body);
    const body = res.json<{ stream: string; version: number; events: Array<{ type: string }>; replayed: boolean }>();
    assert.deepEqual([body.stream, body.version, body.events[0]?.type, body.replayed], ['Order-42', 1, 'OrderPlaced', false]);
    const stored = await s.fx.eventStore.readStream('acme:Order-42');
    assert.equal(stored[0]?.metadata.actor, 'tester');
  });

  it('accepts the aggregate name case-insensitively', async () => {
    assert.equal((await post('/commands/order/1', placeBody)).statusCode, 201);
  });

  it('200 and replayed:true for a repeated command id (body or Idempotency-Key header); nothing appended twice', async () => {
    const first = await post('/commands/Order/42', placeBody, { 'idempotency-key': 'k-1' });
    const again = await post('/commands/Order/42', { ...placeBody, commandId: 'k-1' });
    assert.equal(first.statusCode, 201);
    assert.equal(again.statusCode, 200);
    assert.equal(again.json<{ replayed: boolean }>().replayed, true);
    assert.equal(await s.allEvents(), 1);
  });

  it('400 MALFORMED_JSON for a body that is not JSON', async () => {
    await expectError(await post('/commands/Order/1', '{"type": "PlaceOrder",', { 'content-type': 'application/json' }), 400, 'MALFORMED_JSON');
  });
  it('415 UNSUPPORTED_MEDIA_TYPE for a body that is not JSON by content type', async () => {
    await expectError(await post('/commands/Order/1', 'type=PlaceOrder', { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });
  it('400 BAD_REQUEST naming the field for a body without type', async () => {
    const body = await expectError(await post('/commands/Order/1', { payload: {} }), 400, 'BAD_REQUEST');
    assert.equal(body.message.startsWith('body.type'), true, body.message);
  });
  it('400 BAD_REQUEST for unknown body fields and a negative expectedVersion', async () => {
    await expectError(await post('/commands/Order/1', { ...placeBody, colour: 'red' }), 400, 'BAD_REQUEST');
    await expectError(await post('/commands/Order/1', { ...placeBody, expectedVersion: -1 }), 400, 'BAD_REQUEST');
  });
  it('400 BAD_REQUEST for an id with characters outside the stream-name alphabet', async () => {
    await expectError(await post('/commands/Order/a%20b', placeBody), 400, 'BAD_REQUEST');
  });
  it('400 UNKNOWN_COMMAND for an unknown command type or aggregate', async () => {
    const body = await expectError(await post('/commands/Order/1', { type: 'Teleport', payload: {} }), 400, 'UNKNOWN_COMMAND');
    assert.ok((body as unknown as { known: string[] }).known.includes('PlaceOrder'));
    await expectError(await post('/commands/Invoice/1', placeBody), 400, 'UNKNOWN_COMMAND');
  });
  it('400 INVALID_ARGUMENT naming the payload field that does not match the command schema', async () => {
    const bad = { type: 'PlaceOrder', payload: { customerId: 'c', currency: 'euro' } };
    const body = await expectError(await post('/commands/Order/1', bad), 400, 'INVALID_ARGUMENT');
    assert.equal((body as unknown as { field: string }).field, 'payload.currency');
  });
  it('413 BODY_TOO_LARGE over the body limit', async () => {
    await expectError(await post('/commands/Note/1', { type: 'WriteNote', payload: { text: 'x'.repeat(1024 * 1024 + 10) } }), 413, 'BODY_TOO_LARGE');
  });
  it('413 EVENT_TOO_LARGE for an event over the store limit (and the stream name is tenant-relative)', async () => {
    const body = await expectError(await post('/commands/Note/1', { type: 'WriteNote', payload: { text: 'x'.repeat(70 * 1024) } }), 413, 'EVENT_TOO_LARGE');
    assert.doesNotMatch(body.message, /acme:/);
  });
  it('422 INVARIANT_VIOLATION naming the rule', async () => {
    const body = await expectError(await post('/commands/Order/1', { type: 'ShipOrder', payload: { carrier: 'DHL', trackingCode: 'T' } }), 422, 'INVARIANT_VIOLATION');
    assert.equal((body as unknown as { rule: string }).rule, 'order-must-exist');
  });
  it('422 INVARIANT_VIOLATION stores nothing on an existing stream either', async () => {
    await post('/commands/Order/1', placeBody);
    const res = await post('/commands/Order/1', { type: 'ShipOrder', payload: { carrier: 'DHL', trackingCode: 'T' } });
    assert.equal(res.statusCode, 422);
    assert.equal(res.json<{ rule: string }>().rule, 'cannot-ship-unpaid-order');
    assert.equal(await s.allEvents(), 1);
  });
  it('409 CONCURRENCY_CONFLICT with expected and actual versions', async () => {
    await post('/commands/Order/1', placeBody);
    const res = await post('/commands/Order/1', { type: 'AddItem', payload: { sku: 'PEN', name: 'Pen', quantity: 1, unitPriceCents: 100 }, expectedVersion: 0 });
    assert.equal(res.statusCode, 409);
    assert.deepEqual(
      (({ code, stream, expectedVersion, actualVersion }) => ({ code, stream, expectedVersion, actualVersion }))(res.json<Record<string, unknown>>()),
      { code: 'CONCURRENCY_CONFLICT', stream: 'Order-1', expectedVersion: 0, actualVersion: 1 },
    );
    assert.equal(await s.allEvents(), 1);
  });
  it('409 COMMAND_ID_REUSED when a command id is reused for another stream', async () => {
    await post('/commands/Order/1', { ...placeBody, commandId: 'dup' });
    const res = await post('/commands/Order/2', { ...placeBody, commandId: 'dup' });
    assert.equal(res.statusCode, 409);
    assert.equal(res.json<{ code: string }>().code, 'COMMAND_ID_REUSED');
    assert.equal(await s.allEvents(), 1);
  });
  it('400 when the Idempotency-Key header and body commandId differ', async () => {
    await expectError(await post('/commands/Order/1', { ...placeBody, commandId: 'a' }, { 'idempotency-key': 'b' }), 400, 'INVALID_ARGUMENT');
  });
  it('404 ROUTE_NOT_FOUND for an unknown route', async () => {
    await expectError(await post('/commandz/Order/1', placeBody), 404, 'ROUTE_NOT_FOUND');
  });

  describe('with a schema-validating pipeline', () => {
    it('422 SCHEMA_VALIDATION_FAILED naming the field; nothing stored', async () => {
      const pipeline: EventPipeline = {
        beforeAppend: () => {
          throw new SchemaValidationError('OrderPlaced', 2, [{ path: 'items[0].quantity', message: 'expected int, got string' }]);
        },
        afterRead: (e) => [...e],
      };
      const g = await buildTestServer({ pipeline });
      const res = await g.app.inject({ method: 'POST', url: '/commands/Order/1', headers: auth, payload: placeBody });
      assert.equal(res.statusCode, 422);
      const body = res.json<{ code: string; field: string; eventType: string }>();
      assert.deepEqual([body.code, body.field, body.eventType], ['SCHEMA_VALIDATION_FAILED', 'items[0].quantity', 'OrderPlaced']);
      assert.equal(await g.allEvents(), 0);
      await g.app.close();
    });
  });
});

describeRouteAuth(() => buildTestServer(), { method: 'POST', url: '/commands/Order/7', scopes: ['commands:write'], body: placeBody });

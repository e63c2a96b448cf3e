/**
 * The read-side HTTP routes on in-memory ports: projection queries (filters, sort, paging,
 * text, asOf, bounds), temporal aggregates, saga status, dead-letter admin, OpenAPI, and
 * WebSocket notifications — each tenant-scoped, plus 401/403/tenant cases for every route.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocket } from 'ws';
import { bearer, tokenFor } from '../http/harness';
import { describeRouteAuth } from '../http/authCases';
import { waitUntil } from '../contracts/eventBusContract';
import { buildReadSideServer, type ReadSideServer } from './routesHarness';

const items = [{ sku: 'BOOK', name: 'red widget', quantity: 2, unitPriceCents: 1000 }];

async function command(s: ReadSideServer, tenant: string, aggregate: string, id: string, type: string, payload: object): Promise<void> {
  const res = await s.app.inject({ method: 'POST', url: `/commands/${aggregate}/${id}`, headers: bearer(await tokenFor({ tenant })), payload: { type, payload } });
  assert.ok(res.statusCode < 300, res.body);
}

describe('read-side routes', function () {
  this.timeout(20_000);
  let s: ReadSideServer;
  let acme: Record<string, string>;
  let cut: string;
  before(async () => {
    s = await buildReadSideServer({ asOfMaxEvents: 10_000 });
    acme = bearer(await tokenFor({ tenant: 'acme' }));
    await command(s, 'acme', 'Inventory', 'BOOK', 'Restock', { quantity: 100 });
    await command(s, 'globex', 'Inventory', 'BOOK', 'Restock', { quantity: 100 });
    await command(s, 'acme', 'Order', 'o1', 'PlaceOrder', { customerId: 'alice', currency: 'EUR', items });
    // The fixture's store stamps events with a manual clock: move it to make "as of" meaningful.
    s.fx.clock.advance(1000);
    cut = s.fx.clock.now().toISOString();
    s.fx.clock.advance(1000);
    await command(s, 'acme', 'Order', 'o2', 'PlaceOrder', { customerId: 'bob', currency: 'EUR', items: [{ sku: 'BOOK', name: 'blue gadget', quantity: 1, unitPriceCents: 5000 }] });
    await command(s, 'acme', 'Order', 'o1', 'ConfirmPayment', { paymentId: 'p1', amountCents: 2000 });
    await command(s, 'globex', 'Order', 'g1', 'PlaceOrder', { customerId: 'alice', currency: 'EUR', items });
    await waitUntil('o1 shipped by the saga and projected', async () => {
      const r = await s.app.inject({ method: 'GET', url: '/projections/orderSummary/query?status=shipped', headers: acme });
      return r.json<{ total: number }>().total === 1;
    }, 5000);
  });
  after(async () => s.close());

  const get = (url: string, headers = acme) => s.app.inject({ method: 'GET', url, headers });

  it('queries a projection with filters, ranges, text, sort and cursor paging, only in the caller\'s tenant', async () => {
    const all = (await get('/projections/orderSummary/query?sort=-totalCents')).json<{ items: Array<{ id: string; totalCents: number }>; total: number }>();
    assert.deepEqual(all.items.map((d) => d.id), ['o2', 'o1']);
    assert.equal(all.total, 2, 'globex\'s order is not visible to acme');
    const alice = (await get('/projections/orderSummary/query?customerId=alice')).json<{ items: Array<{ id: string; tenant?: string; appliedVersions?: string }> }>();
    assert.deepEqual(alice.items.map((d) => d.id), ['o1']);
    assert.equal(alice.items[0]!.tenant, undefined, 'bookkeeping fields are not shown');
    assert.equal(alice.items[0]!.appliedVersions, undefined);
    assert.equal((await get('/projections/orderSummary/query?totalCents.gte=3000&totalCents.lte=6000')).json<{ total: number }>().total, 1);
    assert.deepEqual((await get('/projections/orderSummary/query?q=blue%20gad')).json<{ items: Array<{ id: string }> }>().items.map((d) => d.id), ['o2']);
    assert.equal((await get('/projections/orderSummary/query?status.in=placed,shipped')).json<{ total: number }>().total, 2);
    const p1 = (await get('/projections/orderSummary/query?limit=1&sort=totalCents')).json<{ items: Array<{ id: string }>; nextCursor: string }>();
    const p2 = (await get(`/projections/orderSummary/query?limit=1&sort=totalCents&cursor=${p1.nextCursor}`)).json<{ items: Array<{ id: string }>; nextCursor?: string }>();
    assert.deepEqual([...p1.items, ...p2.items].map((d) => d.id), ['o1', 'o2']);
    assert.equal(p2.nextCursor, undefined);
    const counts = (await get('/projections/customerOrders/query?kind=customer&customerId=alice')).json<{ items: Array<{ orderCount: number; shipped: number }> }>();
    assert.deepEqual([counts.items[0]?.orderCount, counts.items[0]?.shipped], [1, 1]);
  });

  it('answers 400 naming the field for a bad query and 404 for an unknown projection', async () => {
    const bad = await get('/projections/orderSummary/query?colour=red');
    assert.equal(bad.statusCode, 400);
    assert.match(bad.json<{ message: string }>().message, /colour/);
    const nan = await get('/projections/orderSummary/query?totalCents.gt=lots');
    assert.equal(nan.statusCode, 400);
    assert.match(nan.json<{ message: string }>().message, /totalCents/);
    assert.equal((await get('/projections/orderSummary/query?tenant=globex')).statusCode, 400, 'the tenant filter cannot be overridden');
    assert.equal((await get('/projections/nope/query')).statusCode, 404);
  });

  it('queries a projection as of a time, and refuses a range that is too large with 422', async () => {
    const then = (await get(`/projections/orderSummary/query?asOf=${encodeURIComponent(cut)}`)).json<{ items: Array<{ id: string; status: string }> }>();
    assert.deepEqual(then.items.map((d) => [d.id, d.status]), [['o1', 'placed']]);
    const small = await buildReadSideServer({ asOfMaxEvents: 1 });
    try {
      await command(small, 'acme', 'Order', 'x1', 'PlaceOrder', { customerId: 'a', currency: 'EUR', items });
      await command(small, 'acme', 'Order', 'x2', 'PlaceOrder', { customerId: 'a', currency: 'EUR', items });
      const res = await small.app.inject({ method: 'GET', url: `/projections/orderSummary/query?asOf=${encodeURIComponent(small.fx.clock.now().toISOString())}`, headers: acme });
      assert.equal(res.statusCode, 422, res.body);
      assert.equal(res.json<{ code: string }>().code, 'RANGE_TOO_LARGE');
    } finally {
      await small.close();
    }
  });

  it('folds an aggregate now, as of a version and as of a time; other tenants see 404', async () => {
    const now = (await get('/aggregates/Order/o1')).json<{ state: { status: string }; version: number }>();
    assert.equal(now.state.status, 'shipped');
    const v1 = (await get('/aggregates/Order/o1?asOfVersion=1')).json<{ state: { status: string }; version: number }>();
    assert.deepEqual([v1.state.status, v1.version], ['placed', 1]);
    const atCut = (await get(`/aggregates/Order/o1?asOf=${encodeURIComponent(cut)}`)).json<{ state: { status: string } }>();
    assert.equal(atCut.state.status, 'placed');
    assert.equal((await get('/aggregates/Order/g1')).statusCode, 404);
    assert.equal((await get('/aggregates/Inventory/BOOK')).json<{ state: { onHand: number } }>().state.onHand, 98);
  });

  it('shows a saga instance with its state and history; another tenant\'s is not found', async () => {
    const saga = (await get('/sagas/OrderFulfilment-o1')).json<{ status: string; state: { phase: string }; history: unknown[] }>();
    assert.equal(saga.status, 'completed');
    assert.equal(saga.state.phase, 'shipped');
    assert.ok(saga.history.length >= 4);
    assert.equal((await get('/sagas/OrderFulfilment-g1')).statusCode, 404);
    assert.equal((await get('/sagas/Nope-1')).statusCode, 404);
  });

  it('lists, shows, redrives (idempotently) and purges dead letters of the caller\'s tenant only', async () => {
    const poison = (tenant: string) => {
      const id = randomUUID();
      return { id, partitionKey: `${tenant}:Order-bad`, path: 'core' as const, envelope: { specversion: '1.0' as const, id, source: 'test', type: 'OrderPlaced', subject: `${tenant}:Order-bad`, tenant, data: {} } };
    };
    await s.bus.publish([poison('acme'), poison('globex')]);
    await waitUntil('dead letters', async () => (await s.bus.deadLetters.count('projection.orderSummary')) === 2, 3000);
    const list = (await get('/admin/dlq?group=projection.orderSummary')).json<{ total: number; items: Array<{ id: string; error: string }> }>();
    assert.equal(list.total, 1);
    assert.match(list.items[0]!.error, /streamversion/);
    const one = await get(`/admin/dlq/${encodeURIComponent(list.items[0]!.id)}`);
    assert.equal(one.json<{ message: { envelope: { tenant: string } } }>().message.envelope.tenant, 'acme');
    const globexId = (await s.bus.deadLetters.list({ group: 'projection.orderSummary' })).find((d) => d.message.envelope.tenant === 'globex')!.id;
    assert.equal((await get(`/admin/dlq/${encodeURIComponent(globexId)}`)).statusCode, 404);
    const post = (url: string, payload: object) => s.app.inject({ method: 'POST', url, headers: acme, payload });
    assert.equal((await post('/admin/dlq/redrive', { ids: [list.items[0]!.id, list.items[0]!.id, globexId] })).json<{ redriven: number }>().redriven, 1, 'once, and never another tenant\'s');
    await waitUntil('dead-lettered again', async () => (await s.bus.deadLetters.count('projection.orderSummary')) === 2, 3000);
    assert.equal((await post('/admin/dlq/purge', {})).json<{ purged: number }>().purged >= 1, true);
    assert.equal((await s.bus.deadLetters.list({ group: 'projection.orderSummary' })).filter((d) => d.message.envelope.tenant === 'globex').length, 1, 'globex untouched');
  });

  it('serves an OpenAPI document generated from the route schemas', async () => {
    const res = await s.app.inject({ method: 'GET', url: '/docs/openapi.json' });
    assert.equal(res.statusCode, 200);
    const doc = res.json<{ openapi: string; paths: Record<string, unknown> }>();
    assert.match(doc.openapi, /^3\./);
    for (const p of ['/projections/{name}/query', '/aggregates/{type}/{id}', '/sagas/{id}', '/admin/dlq', '/commands/{aggregate}/{id}', '/streams/{id}']) {
      assert.ok(doc.paths[p], `documents ${p} (has ${Object.keys(doc.paths).join(', ')})`);
    }
  });

  it('pushes projection and stream notifications over an authenticated, tenant-scoped WebSocket', async () => {
    await s.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (s.app.server.address() as AddressInfo).port;
    const refused = new WebSocket(`ws://127.0.0.1:${port}/ws`);
    const status = await new Promise<number>((resolve) => refused.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
    assert.equal(status, 401);
    const open = async (tenant: string) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?access_token=${await tokenFor({ tenant, scopes: ['queries:read'] })}`);
      const got: Array<{ type: string; channel?: string; event?: string }> = [];
      ws.on('message', (m: Buffer) => got.push(JSON.parse(m.toString()) as (typeof got)[number]));
      await new Promise((r) => ws.once('open', r));
      ws.send(JSON.stringify({ action: 'subscribe', channel: 'projection:orderSummary' }));
      ws.send(JSON.stringify({ action: 'subscribe', channel: 'stream:Order-o9' }));
      await waitUntil('subscribed twice', () => got.filter((m) => m.type === 'subscribed').length === 2, 2000);
      return { ws, got };
    };
    const a = await open('acme');
    const g = await open('globex');
    const t0 = Date.now();
    await command(s, 'acme', 'Order', 'o9', 'PlaceOrder', { customerId: 'zed', currency: 'EUR', items });
    await waitUntil('projection notification', () => a.got.some((m) => m.type === 'notification' && m.channel === 'projection:orderSummary'), 2000);
    await waitUntil('stream notification', () => a.got.some((m) => m.type === 'notification' && m.channel === 'stream:Order-o9' && m.event === 'OrderPlaced'), 2000);
    assert.ok(Date.now() - t0 < 2000);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(g.got.filter((m) => m.type === 'notification').length, 0, 'globex receives nothing of acme');
    await Promise.all([a.ws, g.ws].map((ws) => new Promise((r) => {
      ws.once('close', r);
      ws.close();
    })));
  });
});

const server = () => buildReadSideServer();
describeRouteAuth(server, { method: 'GET', url: '/projections', scopes: ['queries:read'] });
describeRouteAuth(server, { method: 'GET', url: '/projections/orderSummary/query', scopes: ['queries:read'] });
describeRouteAuth(server, { method: 'GET', url: `/projections/orderSummary/query?asOf=${encodeURIComponent(new Date().toISOString())}`, scopes: ['queries:read', 'temporal:read'] });
describeRouteAuth(server, { method: 'POST', url: '/projections/orderSummary/rebuild', scopes: ['admin'] });
describeRouteAuth(server, { method: 'GET', url: '/aggregates/Order/o1', scopes: ['queries:read'] });
describeRouteAuth(server, { method: 'GET', url: '/aggregates/Order/o1?asOfVersion=1', scopes: ['queries:read', 'temporal:read'] });
describeRouteAuth(server, { method: 'GET', url: '/sagas/OrderFulfilment-o1', scopes: ['queries:read'] });
describeRouteAuth(server, { method: 'GET', url: '/admin/dlq', scopes: ['admin'] });
describeRouteAuth(server, { method: 'GET', url: '/admin/dlq/x', scopes: ['admin'] });
describeRouteAuth(server, { method: 'POST', url: '/admin/dlq/redrive', scopes: ['admin'], body: { ids: [] } });
describeRouteAuth(server, { method: 'POST', url: '/admin/dlq/purge', scopes: ['admin'], body: { ids: [] } });

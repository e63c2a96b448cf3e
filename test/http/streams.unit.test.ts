/** GET /streams/:id: tenant-relative reads, as-of reads, paging, upcasting on read, 404 and 400 cases. */
import assert from 'node:assert/strict';
import type { StoredEvent } from '../../runtime/ports';
import type { EventPipeline } from '../../runtime/core/pipeline';
import { describeRouteAuth } from './authCases';
import { bearer, buildTestServer, tokenFor, type TestServer } from './harness';

const placeBody = { type: 'PlaceOrder', payload: { customerId: 'c-1', currency: 'EUR' } };
const add = (sku: string) => ({ type: 'AddItem', payload: { sku, name: sku, quantity: 1, unitPriceCents: 100 } });

interface StreamBody {
  stream: string;
  version: number;
  currentVersion: number;
  nextFromVersion?: number;
  events: Array<{ stream: string; version: number; type: string; data: Record<string, unknown>; position?: string }>;
}

describe('GET /streams/:id', () => {
  let s: TestServer;
  let auth: Record<string, string>;
  before(async () => {
    s = await buildTestServer();
    auth = bearer(await tokenFor());
    await s.app.inject({ method: 'POST', url: '/commands/Order/1', headers: auth, payload: placeBody });
    s.fx.clock.advance(60_000);
    await s.app.inject({ method: 'POST', url: '/commands/Order/1', headers: auth, payload: add('A') });
    s.fx.clock.advance(60_000);
    await s.app.inject({ method: 'POST', url: '/commands/Order/1', headers: auth, payload: add('B') });
  });
  after(async () => {
    await s.app.close();
  });
  const get = async (url: string, headers = auth) => s.app.inject({ method: 'GET', url, headers });

  it('returns the events with tenant-relative stream names and no store positions', async () => {
    const res = await get('/streams/Order-1');
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json<StreamBody>();
    assert.deepEqual([body.stream, body.version, body.currentVersion], ['Order-1', 3, 3]);
    assert.deepEqual(body.events.map((e) => [e.stream, e.version, e.type]), [['Order-1', 1, 'OrderPlaced'], ['Order-1', 2, 'ItemAdded'], ['Order-1', 3, 'ItemAdded']]);
    assert.equal(body.events[0]!.position, undefined);
    assert.equal(body.events[1]!.data.sku, 'A');
  });

  it('?asOfVersion= returns the stream as it was at that version', async () => {
    const body = (await get('/streams/Order-1?asOfVersion=2')).json<StreamBody>();
    assert.deepEqual([body.version, body.events.length, body.currentVersion], [2, 2, 3]);
  });

  it('?asOf=<ISO time> returns the events recorded at or before that time', async () => {
    const t0 = (await s.fx.eventStore.readStream('acme:Order-1'))[0]!.recordedAt;
    const at = new Date(Date.parse(t0) + 61_000).toISOString();
    const body = (await get(`/streams/Order-1?asOf=${encodeURIComponent(at)}`)).json<StreamBody>();
    assert.deepEqual(body.events.map((e) => e.version), [1, 2]);
  });

  it('pages with limit and nextFromVersion, and reads backward', async () => {
    const page = (await get('/streams/Order-1?limit=2')).json<StreamBody>();
    assert.deepEqual([page.events.length, page.nextFromVersion], [2, 3]);
    const rest = (await get(`/streams/Order-1?fromVersion=${page.nextFromVersion}`)).json<StreamBody>();
    assert.deepEqual(rest.events.map((e) => e.version), [3]);
    assert.equal(rest.nextFromVersion, undefined);
    const back = (await get('/streams/Order-1?direction=backward&limit=2')).json<StreamBody>();
    assert.deepEqual(back.events.map((e) => e.version), [3, 2]);
  });

  it('404 NOT_FOUND for a stream that does not exist', async () => {
    const res = await get('/streams/Order-404');
    assert.equal(res.statusCode, 404);
    assert.equal(res.json<{ code: string }>().code, 'NOT_FOUND');
  });

  it('400 for bad parameters: non-integer asOfVersion, unparseable asOf, unknown parameter, bad stream name', async () => {
    for (const url of ['/streams/Order-1?asOfVersion=abc', '/streams/Order-1?asOf=yesterday', '/streams/Order-1?colour=red', '/streams/Order-1?limit=0', '/streams/%3Aevil']) {
      const res = await get(url);
      assert.equal(res.statusCode, 400, `${url}: ${res.body}`);
      assert.match(res.json<{ code: string }>().code, /^(BAD_REQUEST|INVALID_ARGUMENT)$/);
    }
  });

  it('as-of reads need temporal:read on top of queries:read', async () => {
    const readOnly = bearer(await tokenFor({ scopes: ['queries:read'] }));
    assert.equal((await get('/streams/Order-1', readOnly)).statusCode, 200);
    const res = await get('/streams/Order-1?asOfVersion=1', readOnly);
    assert.equal(res.statusCode, 403);
    assert.match(res.json<{ message: string }>().message, /temporal:read/);
  });

  it('tenant isolation: another tenant sees 404 for the same name, and its writes go to its own stream', async () => {
    const globex = bearer(await tokenFor({ tenant: 'globex' }));
    assert.equal((await get('/streams/Order-1', globex)).statusCode, 404);
    const w = await s.app.inject({ method: 'POST', url: '/commands/Order/1', headers: globex, payload: placeBody });
    assert.equal(w.statusCode, 201, 'globex places its own Order-1 (acme\'s does not exist for it)');
    assert.equal((await get('/streams/Order-1', globex)).json<StreamBody>().events.length, 1);
    assert.equal((await get('/streams/Order-1')).json<StreamBody>().events.length, 3, 'acme\'s stream is untouched');
    // A qualified id in the path cannot reach another tenant's stream.
    assert.equal((await get('/streams/acme:Order-1', globex)).statusCode, 400);
  });

  it('reads go through the pipeline (upcasting on read)', async () => {
    const pipeline: EventPipeline = {
      beforeAppend: (e) => e,
      afterRead: (events) => events.map((e): StoredEvent => ({ ...e, schemaVersion: 9, data: { ...e.data, upcast: true } })),
    };
    const u = await buildTestServer({ pipeline });
    await u.app.inject({ method: 'POST', url: '/commands/Order/1', headers: auth, payload: placeBody });
    const body = (await u.app.inject({ method: 'GET', url: '/streams/Order-1', headers: auth })).json<StreamBody>();
    assert.equal(body.events[0]!.data.upcast, true);
    await u.app.close();
  });
});

describe('GET /health and /ready', () => {
  it('are public and report the stores', async () => {
    const s = await buildTestServer();
    const health = await s.app.inject({ method: 'GET', url: '/health' });
    assert.deepEqual([health.statusCode, health.json<{ status: string }>().status], [200, 'ok']);
    const ready = await s.app.inject({ method: 'GET', url: '/ready' });
    assert.deepEqual(ready.json<unknown>(), { status: 'ready', checks: { eventStore: 'ok' } });
    await s.fx.eventStore.close();
    const notReady = await s.app.inject({ method: 'GET', url: '/ready' });
    assert.equal(notReady.statusCode, 503);
    assert.match(notReady.json<{ checks: { eventStore: string } }>().checks.eventStore, /^failing/);
    await s.app.close();
  });
});

describeRouteAuth(async () => {
  const s = await buildTestServer();
  await s.app.inject({ method: 'POST', url: '/commands/Order/1', headers: bearer(await tokenFor()), payload: placeBody });
  return s;
}, { method: 'GET', url: '/streams/Order-1', scopes: ['queries:read'] });
describeRouteAuth(() => buildTestServer(), { method: 'GET', url: '/streams/Order-1?asOfVersion=1', scopes: ['queries:read', 'temporal:read'] });

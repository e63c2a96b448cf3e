/**
 * End to end on the local stack as `npm start` runs it (SQLite files in a temporary directory,
 * governed pipeline, read side, HTTP API on a random port), driven as a client would: HTTP
 * commands and queries with bearer tokens, and a WebSocket subscription for notifications.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { startLocalApp, type LocalApp } from '../../runtime/http/localApp';
import { mintToken } from '../../runtime/http/auth';

interface Note { type: string; channel?: string; event?: string; payload?: { documents?: string[]; version?: number } }

describe('e2e: the local stack over HTTP and WebSocket', function () {
  this.timeout(60_000);
  let dir: string;
  let local: LocalApp;
  let token: string;
  let otherToken: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nexus-e2e-'));
    local = await startLocalApp({ dir, port: 0, logger: false });
    token = local.devToken;
    otherToken = await mintToken(local.jwtSecret, { tenant: 'other', subject: 'intruder' });
  });
  after(async () => {
    await local.close();
    rmSync(dir, { recursive: true, force: true });
  });

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are JSON read as a client would
  const call = async (method: string, path: string, body?: unknown, bearer = token): Promise<{ status: number; json: any }> => {
    const res = await fetch(`${local.url}${path}`, {
      method, headers: { authorization: `Bearer ${bearer}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  };
  const command = async (aggregate: string, id: string, type: string, payload: object): Promise<void> => {
    const r = await call('POST', `/commands/${aggregate}/${id}`, { type, payload });
    assert.ok(r.status === 201 || r.status === 200, `${type}: ${r.status} ${JSON.stringify(r.json)}`);
  };
  const eventually = async <T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await fn();
      if (v !== undefined) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const socket = async (bearer: string, channels: string[]): Promise<{ ws: WebSocket; notes: Note[] }> => {
    const ws = new WebSocket(`${local.url.replace(/^http/, 'ws')}/ws?access_token=${bearer}`);
    const notes: Note[] = [];
    ws.on('message', (raw: Buffer) => notes.push(JSON.parse(raw.toString()) as Note));
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    for (const channel of channels) ws.send(JSON.stringify({ action: 'subscribe', channel }));
    await eventually('subscriptions', async () => (notes.filter((n) => n.type === 'subscribed').length === channels.length ? true : undefined));
    return { ws, notes };
  };

  it('places, pays and ships an order through the saga, with notifications, queries and temporal reads', async () => {
    const mine = await socket(token, ['projection:orderSummary', 'stream:Order-e1']);
    const theirs = await socket(otherToken, ['projection:orderSummary', 'stream:Order-e1']);
    await command('Inventory', 'BOOK-1', 'Restock', { quantity: 10 });
    const placedAt = Date.now();
    await command('Order', 'e1', 'PlaceOrder', { customerId: 'c-1', currency: 'EUR', items: [{ sku: 'BOOK-1', name: 'A red book', quantity: 2, unitPriceCents: 1500 }] });
    await eventually('stream notification', async () => (mine.notes.some((n) => n.channel === 'stream:Order-e1' && n.event === 'OrderPlaced') ? true : undefined));
    await eventually('projection notification', async () => (mine.notes.some((n) => n.channel === 'projection:orderSummary' && n.payload?.documents?.includes('dev:e1')) ? true : undefined));
    console.log(`    notification after ${Date.now() - placedAt} ms`);

    const placed = await eventually('the order in the read model', async () => {
      const r = await call('GET', '/projections/orderSummary/query?q=red%20bo');
      return r.json.total === 1 ? r.json : undefined;
    });
    assert.equal(placed.items[0].id, 'e1');
    assert.equal(placed.items[0].totalCents, 3000);
    await eventually('stock reserved', async () => ((await call('GET', '/sagas/OrderFulfilment-e1')).json?.state?.phase === 'awaitingPayment' ? true : undefined));

    await command('Order', 'e1', 'ConfirmPayment', { paymentId: 'pay-1', amountCents: 3000 });
    const shipped = await eventually('shipped by the saga', async () => {
      const r = await call('GET', '/projections/orderSummary/query?status=shipped&totalCents.gte=3000');
      return r.json.total === 1 ? r.json : undefined;
    });
    assert.equal(shipped.items[0].trackingNumber, 'NX-e1');
    // The saga records the ShipOrder outcome (and commits the stock) after the order shipped: the
    // read model and the saga are separate consumers, so wait for the saga too.
    const saga = await eventually('the saga completed', async () => {
      const r = (await call('GET', '/sagas/OrderFulfilment-e1')).json;
      return r?.status === 'completed' ? r : undefined;
    });
    assert.equal(saga.status, 'completed');
    assert.equal(saga.state.phase, 'shipped');
    assert.ok(saga.history.length >= 4);

    const v1 = (await call('GET', '/aggregates/Order/e1?asOfVersion=1')).json;
    assert.equal(v1.state.status, 'placed');
    assert.equal((await call('GET', '/aggregates/Order/e1')).json.state.status, 'shipped');
    assert.equal((await call('GET', '/aggregates/Inventory/BOOK-1')).json.state.onHand, 8);
    const stream = (await call('GET', '/streams/Order-e1')).json;
    assert.deepEqual(stream.events.map((e: { type: string }) => e.type), ['OrderPlaced', 'PaymentConfirmed', 'OrderShipped']);
    const counts = (await call('GET', '/projections/customerOrders/query?kind=customer&customerId=c-1')).json;
    assert.equal(counts.items[0].shipped, 1);

    assert.equal(theirs.notes.filter((n) => n.type === 'notification').length, 0, 'another tenant hears nothing');
    assert.equal((await call('GET', '/projections/orderSummary/query', undefined, otherToken)).json.total, 0);
    assert.equal((await call('GET', '/sagas/OrderFulfilment-e1', undefined, otherToken)).status, 404);
    assert.equal((await call('GET', '/aggregates/Order/e1', undefined, otherToken)).status, 404);
    mine.ws.close();
    theirs.ws.close();
  });

  it('cancels an order whose stock cannot be reserved, and rebuilds the read model on request', async () => {
    await command('Order', 'e2', 'PlaceOrder', { customerId: 'c-2', currency: 'EUR', items: [{ sku: 'BOOK-1', name: 'A red book', quantity: 100, unitPriceCents: 1500 }] });
    await eventually('cancelled by the saga', async () => ((await call('GET', '/projections/orderSummary/query?status=cancelled')).json.total === 1 ? true : undefined));
    // The saga records the cancel outcome after the read model shows it: wait for the saga too.
    const saga = await eventually('the saga cancelled', async () => {
      const r = (await call('GET', '/sagas/OrderFulfilment-e2')).json;
      return r?.state?.phase === 'cancelled' ? r : undefined;
    });
    assert.equal(saga.state.phase, 'cancelled');
    assert.match(saga.state.reason, /stock unavailable for BOOK-1/);
    const before = (await call('GET', '/projections/orderSummary/query?sort=id')).json;
    const rebuilt = await call('POST', '/projections/orderSummary/rebuild');
    assert.equal(rebuilt.status, 200);
    assert.ok(rebuilt.json.events >= 5);
    assert.deepEqual((await call('GET', '/projections/orderSummary/query?sort=id')).json.items, before.items);
    assert.equal((await call('GET', '/admin/dlq')).json.total, 0);
  });

  it('documents the API and refuses anonymous or under-scoped clients', async () => {
    const doc = await (await fetch(`${local.url}/docs/openapi.json`)).json() as { paths: Record<string, unknown> };
    assert.ok(doc.paths['/projections/{name}/query'] && doc.paths['/sagas/{id}'] && doc.paths['/commands/{aggregate}/{id}']);
    assert.equal((await fetch(`${local.url}/projections/orderSummary/query`)).status, 401);
    const readOnly = await mintToken(local.jwtSecret, { tenant: 'dev', scopes: ['queries:read'] });
    assert.equal((await call('POST', '/commands/Order/e3', { type: 'PlaceOrder', payload: { customerId: 'x', currency: 'EUR' } }, readOnly)).status, 403);
    assert.equal((await call('GET', '/aggregates/Order/e1?asOfVersion=1', undefined, readOnly)).status, 403);
    assert.equal((await call('GET', '/admin/dlq', undefined, readOnly)).status, 403);
  });
});

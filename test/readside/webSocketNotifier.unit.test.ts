/** WebSocketNotifier: the subscribe protocol, tenant scoping and channel validation over a real ws server on a random port. */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { WebSocketNotifier } from '../../runtime/adapters/local/WebSocketNotifier';

interface Msg { type: string; channel?: string; event?: string; payload?: unknown; message?: string }

async function client(url: string): Promise<{ ws: WebSocket; messages: Msg[]; next(type: string): Promise<Msg> }> {
  const ws = new WebSocket(url);
  const messages: Msg[] = [];
  ws.on('message', (raw: Buffer) => messages.push(JSON.parse(raw.toString()) as Msg));
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  return {
    ws, messages,
    async next(type) {
      for (let i = 0; i < 200; i++) {
        const m = messages.find((x) => x.type === type);
        if (m) {
          messages.splice(messages.indexOf(m), 1);
          return m;
        }
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error(`no ${type} message within 2 s (got ${JSON.stringify(messages)})`);
    },
  };
}

describe('WebSocketNotifier', () => {
  let server: WebSocketServer;
  let notifier: WebSocketNotifier;
  let url: string;

  beforeEach(async () => {
    notifier = new WebSocketNotifier();
    server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    // Stand-in for the authenticated HTTP upgrade: the tenant comes from the query string here.
    server.on('connection', (socket, req) => notifier.attach(socket, new URL(req.url ?? '/', 'http://x').searchParams.get('tenant') ?? 'none'));
    await new Promise((r) => server.once('listening', r));
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterEach(async () => {
    await notifier.close();
    await new Promise((r) => server.close(r));
  });

  it('delivers a notification to subscribers of the tenant and channel only', async () => {
    const a = await client(`${url}?tenant=acme`);
    const a2 = await client(`${url}?tenant=acme`);
    const b = await client(`${url}?tenant=globex`);
    for (const c of [a, a2, b]) c.ws.send(JSON.stringify({ action: 'subscribe', channel: 'stream:Order-1' }));
    a2.ws.send(JSON.stringify({ action: 'subscribe', channel: 'projection:orderSummary' }));
    await a.next('subscribed');
    await b.next('subscribed');
    assert.equal((await a2.next('subscribed')).channel, 'stream:Order-1');
    await a2.next('subscribed');
    const reached = await notifier.publish({ tenant: 'acme', channel: 'stream:Order-1', type: 'OrderPlaced', payload: { v: 1 }, sentAt: new Date().toISOString() });
    assert.equal(reached, 2);
    const got = await a.next('notification');
    assert.equal(got.event, 'OrderPlaced');
    assert.deepEqual(got.payload, { v: 1 });
    await a2.next('notification');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(b.messages.filter((m) => m.type === 'notification').length, 0, 'the other tenant got nothing');
    for (const c of [a, a2, b]) c.ws.close();
  });

  it('unsubscribes, rejects bad channels and stops delivering when the socket closes', async () => {
    const a = await client(`${url}?tenant=acme`);
    a.ws.send(JSON.stringify({ action: 'subscribe', channel: 'orders/../secrets' }));
    assert.match((await a.next('error')).message!, /channel/);
    a.ws.send('not json');
    assert.match((await a.next('error')).message!, /JSON/);
    a.ws.send(JSON.stringify({ action: 'subscribe', channel: 'projection:orderSummary' }));
    await a.next('subscribed');
    assert.equal(notifier.subscriberCount('acme', 'projection:orderSummary'), 1);
    a.ws.send(JSON.stringify({ action: 'unsubscribe', channel: 'projection:orderSummary' }));
    await a.next('unsubscribed');
    assert.equal(notifier.subscriberCount('acme', 'projection:orderSummary'), 0);
    a.ws.send(JSON.stringify({ action: 'subscribe', channel: 'projection:orderSummary' }));
    await a.next('subscribed');
    a.ws.close();
    for (let i = 0; i < 100 && notifier.connectionCount > 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(notifier.connectionCount, 0);
    assert.equal(await notifier.publish({ tenant: 'acme', channel: 'projection:orderSummary', type: 'x', payload: null, sentAt: '' }), 0);
  });
});

/**
 * CloudRunWebSocketNotifier: two "instances" share one fan-out topic on the Pub/Sub emulator.
 * A notification published on one reaches the other instance's WebSocket client (real `ws`
 * sockets) and its own local listeners exactly once, and never another tenant.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { PubSub } from '@google-cloud/pubsub';
import { WebSocket, WebSocketServer } from 'ws';
import { CloudRunWebSocketNotifier } from '../../runtime/adapters/gcp/CloudRunWebSocketNotifier';
import type { Notification } from '../../runtime/ports/Notifier';
import { usePubSubEmulator } from '../servers/pubsub';
import { EMULATOR_CREDENTIALS, TEST_PROJECT } from './firestoreClient';

const waitFor = async (what: string, predicate: () => boolean, ms = 10_000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('CloudRunWebSocketNotifier (Pub/Sub emulator fan-out)', function () {
  this.timeout(60_000);
  const emulator = usePubSubEmulator('test/gcp/cloudRunWebSocketNotifier.int.test.ts (Cloud Run WebSocket notifier fan-out)');
  const pubsub = (): PubSub => new PubSub({ projectId: TEST_PROJECT, apiEndpoint: emulator().host, emulatorMode: true, credentials: EMULATOR_CREDENTIALS });
  let a: CloudRunWebSocketNotifier;
  let b: CloudRunWebSocketNotifier;
  let server: WebSocketServer | undefined;

  beforeEach(async () => {
    const topic = `notify-${randomUUID().slice(0, 8)}`;
    const admin = pubsub();
    await admin.createTopic(topic);
    await admin.close();
    a = new CloudRunWebSocketNotifier({ pubsub: pubsub(), topic, instanceId: 'a' });
    b = new CloudRunWebSocketNotifier({ pubsub: pubsub(), topic, instanceId: 'b' });
    await a.start();
    await b.start();
  });
  afterEach(async () => {
    await a.close();
    await b.close();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    server = undefined;
  });

  const note = (tenant: string, n: number): Notification => ({
    tenant, channel: 'stream:Order-42', type: 'OrderPaid', payload: { n }, sentAt: new Date().toISOString(),
  });

  it("reaches another instance's WebSocket client through the topic, and only the publishing tenant's", async () => {
    server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    server.on('connection', (socket, req) => b.attach(socket, req.url === '/t2' ? 't2' : 't1'));
    await new Promise((r) => server!.once('listening', r));
    const port = (server.address() as AddressInfo).port;
    const received: Record<string, unknown[]> = { t1: [], t2: [] };
    const clients = await Promise.all(['t1', 't2'].map(async (tenant) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/${tenant}`);
      await new Promise((r) => ws.once('open', r));
      ws.on('message', (raw: Buffer) => received[tenant]!.push(JSON.parse(raw.toString('utf8'))));
      ws.send(JSON.stringify({ action: 'subscribe', channel: 'stream:Order-42' }));
      return ws;
    }));
    await waitFor('both subscriptions confirmed', () => received.t1!.length === 1 && received.t2!.length === 1);
    const reachedLocally = await a.publish(note('t1', 1));
    assert.equal(reachedLocally, 0, 'instance a holds no sockets');
    await waitFor('the notification on instance b', () => received.t1!.length === 2);
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(received.t1![1], { type: 'notification', channel: 'stream:Order-42', event: 'OrderPaid', payload: { n: 1 }, sentAt: (received.t1![1] as { sentAt: string }).sentAt });
    assert.equal(received.t2!.length, 1, 'another tenant receives nothing');
    for (const ws of clients) ws.close();
  });

  it('delivers once to the publishing instance (locally) and once to the other instance', async () => {
    const onA: unknown[] = [];
    const onB: unknown[] = [];
    a.subscribe('t1', 'stream:Order-42', (n) => onA.push(n.payload));
    b.subscribe('t1', 'stream:Order-42', (n) => onB.push(n.payload));
    assert.equal(await a.publish(note('t1', 7)), 1, 'the local listener counts as reached');
    assert.deepEqual(onA, [{ n: 7 }]);
    await waitFor('the fan-out to b', () => onB.length === 1);
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(onA, [{ n: 7 }], 'the publisher skips its own fan-out message');
    assert.deepEqual(onB, [{ n: 7 }]);
  });
});

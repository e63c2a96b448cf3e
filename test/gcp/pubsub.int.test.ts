/**
 * The shared EventBus conformance suite against Google's Pub/Sub emulator (started here;
 * skipped loudly when the image lacks it). Each case gets fresh topics. Also the push path:
 * the emulator pushing to a local HTTP endpoint that calls PubSubEventBus.push.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PubSub } from '@google-cloud/pubsub';
import { PubSubEventBus } from '../../runtime/adapters/gcp/PubSubEventBus';
import { eventBusContract, message, waitUntil } from '../contracts/eventBusContract';
import type { PushBody } from '../../runtime/adapters/gcp/PubSubPushHandler';
import { usePubSubEmulator } from '../servers/pubsub';
import type { RunningEmulator } from '../servers/firestore';
import { EMULATOR_CREDENTIALS, TEST_PROJECT } from './firestoreClient';

export const emulatorPubSub = (emulator: RunningEmulator): PubSub =>
  new PubSub({ projectId: TEST_PROJECT, apiEndpoint: emulator.host, emulatorMode: true, credentials: EMULATOR_CREDENTIALS });

describe('Pub/Sub event bus (Pub/Sub emulator)', function () {
  this.timeout(180_000);
  const emulator = usePubSubEmulator('test/gcp/pubsub.int.test.ts (EventBus contract on PubSubEventBus)');
  const topics = { coreTopic: '', noncriticalTopic: '', deadLetterTopic: '' };

  eventBusContract('PubSubEventBus', async () => {
    const run = randomUUID().slice(0, 8);
    Object.assign(topics, { coreTopic: `core-${run}`, noncriticalTopic: `nc-${run}`, deadLetterTopic: `dl-${run}` });
    const open = (): PubSubEventBus => new PubSubEventBus({ pubsub: emulatorPubSub(emulator()), ...topics, createTopics: true, retryBackoffMs: 20 });
    return { bus: open(), cleanup: async () => undefined, reopen: async () => open() };
  }, { timeoutMs: 15_000, maxMessageBytes: 10_000_000, durable: true });
});

describe('Pub/Sub push delivery (Pub/Sub emulator pushing to a local HTTP endpoint)', function () {
  this.timeout(60_000);
  const emulator = usePubSubEmulator('test/gcp/pubsub.int.test.ts (PubSubEventBus push delivery)');

  // The emulator pushes the documented body (message.data/attributes/messageId, subscription) but
  // leaves out deliveryAttempt, so attempt counting is driven below with bodies of the documented
  // shape; delivery, dead-lettering and the redrive go through the emulator.
  it('handles real pushes; dead-letters at maxAttempts; a redrive is pushed to every group but handled only by its own', async () => {
    const run = randomUUID().slice(0, 8);
    const topics = { coreTopic: `core-${run}`, noncriticalTopic: `nc-${run}`, deadLetterTopic: `dl-${run}` };
    const bus = new PubSubEventBus({ pubsub: emulatorPubSub(emulator()), ...topics, createTopics: true });
    let failing = false;
    const seen: Array<{ id: string; attempt: number; outcome: string; group: string }> = [];
    const deliver = async (body: PushBody): Promise<boolean> => {
      let id = '';
      let attempt = 0;
      const r = await bus.push(body, {
        maxAttempts: 3,
        handler: async (d) => {
          id = d.message.id;
          attempt = d.attempt;
          if (failing) throw new Error('always fails');
        },
      });
      seen.push({ id, attempt, outcome: r.outcome, group: r.group });
      return r.ack;
    };
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c)).on('end', () => {
        deliver(JSON.parse(Buffer.concat(chunks).toString('utf8')) as PushBody).then((ack) => res.writeHead(ack ? 204 : 500).end(), () => res.writeHead(500).end());
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const port = (server.address() as AddressInfo).port;
      const admin = emulatorPubSub(emulator());
      await bus.publish([]); // creates the topics
      for (const group of ['ga', 'gb']) {
        await admin.topic(topics.coreTopic).createSubscription(`${topics.coreTopic}-${group}`, {
          enableMessageOrdering: true, ackDeadlineSeconds: 10, pushConfig: { pushEndpoint: `http://127.0.0.1:${port}/push` },
          deadLetterPolicy: { deadLetterTopic: admin.topic(topics.deadLetterTopic).name, maxDeliveryAttempts: 5 },
        });
      }
      await admin.close();
      const m = message('push-1', 1);
      await bus.publish([m]);
      await waitUntil('a push to each group', () => seen.length >= 2, 20_000);
      assert.deepEqual(seen.map((x) => [x.group, x.id, x.outcome]).sort(), [['ga', m.id, 'handled'], ['gb', m.id, 'handled']]);

      failing = true;
      const poison = message('push-2', 2);
      const body = (attempt: number): PushBody => ({
        message: { data: Buffer.from(JSON.stringify(poison.envelope)).toString('base64'), attributes: { nexusId: poison.id, nexusKey: poison.partitionKey, nexusPath: 'core' }, messageId: '42' },
        subscription: `projects/${TEST_PROJECT}/subscriptions/${topics.coreTopic}-ga`,
        deliveryAttempt: attempt,
      });
      assert.deepEqual([await deliver(body(1)), await deliver(body(2)), await deliver(body(3))], [false, false, true], 'nack, nack, then ack once dead-lettered');
      assert.deepEqual(seen.slice(-3).map((x) => x.outcome), ['retry', 'retry', 'dead-lettered']);
      await waitUntil('the dead letter', async () => (await bus.deadLetters.count('ga')) === 1, 10_000);
      const [dl] = await bus.deadLetters.list({ group: 'ga' });
      assert.equal(dl?.attempts, 3);
      assert.match(dl.error, /always fails/);
      assert.equal(dl.message.id, poison.id);

      failing = false;
      const before = seen.length;
      assert.equal(await bus.deadLetters.redrive([dl.id]), 1);
      await waitUntil('the redrive pushed to both subscriptions', () => seen.length >= before + 2, 20_000);
      assert.deepEqual(seen.slice(before).map((x) => [x.group, x.outcome]).sort(), [['ga', 'handled'], ['gb', 'skipped']]);
      assert.equal(await bus.deadLetters.count('ga'), 0);
    } finally {
      await bus.close();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

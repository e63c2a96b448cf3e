/**
 * The shared EventBus conformance suite against Google's Pub/Sub emulator (started here;
 * skipped loudly when the image lacks it). Each case gets fresh topics.
 */
import { randomUUID } from 'node:crypto';
import { PubSub } from '@google-cloud/pubsub';
import { PubSubEventBus } from '../../runtime/adapters/gcp/PubSubEventBus';
import { eventBusContract } from '../contracts/eventBusContract';
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

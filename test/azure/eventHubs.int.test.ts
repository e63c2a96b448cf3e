/**
 * EventHubsEventBus: the shared EventBus contract with Event Hubs at the SDK boundary (a fake of
 * the client surface the adapter uses, with the service's partitioning, ordering, consumer
 * groups and checkpoints — no local Event Hubs server exists) and the dead letters in a real
 * Cosmos `deadletters` container on cosmosdb-server. Then the recorded publish shapes and errors.
 */
import assert from 'node:assert/strict';
import { EventHubsEventBus } from '../../runtime/adapters/azure/EventHubsEventBus';
import { EVENT_HUBS_MAX_EVENT_BYTES, PROP } from '../../runtime/adapters/azure/eventHubsClients';
import { isMessageTooLargeError, isUnavailableError } from '../../runtime/ports';
import { eventBusContract, message } from '../contracts/eventBusContract';
import { useCosmosServer } from '../servers/cosmos';
import { freshContainer } from './cosmosFixture';
import { FakeEventHubs, RECORDED_ERRORS } from './support/fakeEventHubs';

describe('EventHubsEventBus (Event Hubs at the SDK boundary, dead letters on cosmosdb-server)', function () {
  this.timeout(120_000);
  const server = useCosmosServer('test/azure/eventHubs.int.test.ts (Event Hubs bus contract + Cosmos dead letters)');

  eventBusContract('EventHubsEventBus', async () => {
    const { container, drop } = await freshContainer(server(), 'deadletters');
    const bus = new EventHubsEventBus({ clients: new FakeEventHubs(), deadLetterContainer: container, retryDelayMs: () => 5 });
    return { bus, cleanup: drop };
  }, { timeoutMs: 8_000, maxMessageBytes: EVENT_HUBS_MAX_EVENT_BYTES });

  describe('publish at the SDK boundary (recorded shapes)', () => {
    let hubs: FakeEventHubs;
    let bus: EventHubsEventBus;
    let drop: () => Promise<void>;
    beforeEach(async () => {
      const fresh = await freshContainer(server(), 'deadletters');
      drop = fresh.drop;
      hubs = new FakeEventHubs();
      bus = new EventHubsEventBus({ clients: hubs, deadLetterContainer: fresh.container });
    });
    afterEach(async () => {
      await bus.close();
      await drop();
    });

    it('sends one batch per partition key with partitionKey = stream id, CloudEvents body and Nexus properties', async () => {
      const a1 = message('t1:Order-1', 1);
      const b1 = message('t1:Order-2', 1);
      const a2 = message('t1:Order-1', 2);
      const n1 = message('t1:Order-1', 3, 'noncritical');
      await bus.publish([a1, b1, a2, n1]);
      assert.deepEqual(hubs.sent.map((s) => [s.hub, s.partitionKey, s.events.length]), [
        ['core', 't1:Order-1', 2], ['core', 't1:Order-2', 1], ['noncritical', 't1:Order-1', 1],
      ]);
      const first = hubs.sent[0]!.events[0]!;
      assert.deepEqual(first.body, a1.envelope);
      assert.equal(first.contentType, 'application/cloudevents+json');
      assert.equal(first.messageId, a1.id);
      assert.deepEqual(first.properties, { [PROP.id]: a1.id, [PROP.path]: 'core', [PROP.partitionKey]: 't1:Order-1' });
      assert.deepEqual(hubs.sent[0]!.events.map((e) => e.messageId), [a1.id, a2.id], 'a key keeps its publish order');
    });

    it('ServerBusyError (throttled) → UnavailableError, retryable, asking for the 4 s Event Hubs back-off', async () => {
      hubs.failNextSends(RECORDED_ERRORS.serverBusy);
      let caught: unknown;
      await bus.publish([message('t1:Order-9', 1)]).catch((e: unknown) => (caught = e));
      assert.ok(isUnavailableError(caught), `expected UnavailableError, got ${String(caught)}`);
      assert.equal((caught).retryable, true);
      assert.equal((caught).retryAfterMs, 4000);
      assert.match((caught as Error).message, /Event Hubs hub core.*ServerBusyError/);
    });

    it('MessageTooLargeError from the service → MessageTooLargeError naming the first message', async () => {
      hubs.failNextSends(RECORDED_ERRORS.messageTooLarge);
      const m = message('t1:Order-9', 1);
      let caught: unknown;
      await bus.publish([m]).catch((e: unknown) => (caught = e));
      assert.ok(isMessageTooLargeError(caught), `expected MessageTooLargeError, got ${String(caught)}`);
      assert.equal(caught.messageId, m.id);
      assert.equal(caught.limit, EVENT_HUBS_MAX_EVENT_BYTES);
    });

    it('a non-transient service error (Unauthorized) is not disguised as retryable', async () => {
      hubs.failNextSends(RECORDED_ERRORS.unauthorized);
      let caught: unknown;
      await bus.publish([message('t1:Order-9', 1)]).catch((e: unknown) => (caught = e));
      assert.ok(caught instanceof Error && !isUnavailableError(caught));
      assert.match(caught.message, /Unauthorized/);
    });

    it('redrive republishes to the same hub and key, marked for the original group only', async () => {
      const delivered: Record<string, string[]> = { a: [], b: [] };
      let failA = true;
      await bus.subscribe({ group: 'a', path: 'core', maxAttempts: 1, handler: async (d) => { if (failA) throw new Error('a fails'); delivered['a']!.push(d.message.id); } });
      await bus.subscribe({ group: 'b', path: 'core', handler: async (d) => void delivered['b']!.push(d.message.id) });
      const m = message('t1:Order-7', 1);
      await bus.publish([m]);
      for (let i = 0; i < 400 && (await bus.deadLetters.count('a')) === 0; i++) await new Promise((r) => setTimeout(r, 10));
      const [letter] = await bus.deadLetters.list({ group: 'a' });
      assert.ok(letter);
      failA = false;
      assert.equal(await bus.deadLetters.redrive([letter.id]), 1);
      for (let i = 0; i < 400 && delivered['a']!.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, 200));
      assert.deepEqual(delivered['a'], [m.id]);
      assert.deepEqual(delivered['b'], [m.id], 'group b saw the original once and skipped the redrive meant for a');
      const resent = hubs.sent[hubs.sent.length - 1]!;
      assert.equal(resent.partitionKey, 't1:Order-7');
      assert.equal(resent.events[0]!.properties?.[PROP.redriveGroup], 'a');
    });
  });
});

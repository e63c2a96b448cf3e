/**
 * CosmosChangeFeedRelay with items cosmosdb-server really stored: events are appended with
 * CosmosEventStore, every item of the container (heads, system properties and all) is read back
 * and handed to the handler the way the Functions Cosmos DB trigger hands over a change-feed
 * batch (here shuffled, which the real feed never does across one stream, to prove the handler
 * restores version order). The local server has no working change feed, so the feed itself is
 * not exercised: see docs/capabilities.md.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { CosmosChangeFeedRelay } from '../../runtime/adapters/azure/CosmosChangeFeedRelay';
import { CosmosEventStore } from '../../runtime/adapters/azure/CosmosEventStore';
import type { BusMessage, EventBus } from '../../runtime/ports/EventBus';
import { UnavailableError, type NewEvent } from '../../runtime/ports';
import { useCosmosServer } from '../servers/cosmos';
import { freshContainer } from './cosmosFixture';

class RecordingBus implements Pick<EventBus, 'publish'> {
  readonly messages: BusMessage[] = [];
  failures = 0;
  async publish(messages: readonly BusMessage[]): Promise<void> {
    if (this.failures > 0) {
      this.failures--;
      throw new UnavailableError('test bus', 'throttled');
    }
    this.messages.push(...messages);
  }
}

const ev = (type: string, n: number): NewEvent => ({ eventId: randomUUID(), type, schemaVersion: 1, data: { n }, metadata: { tenant: 't1', correlationId: `c-${n}` } });

describe('CosmosChangeFeedRelay (items stored by cosmosdb-server)', function () {
  this.timeout(60_000);
  const server = useCosmosServer('test/azure/changeFeedRelay.int.test.ts (Cosmos change-feed relay handler)');

  it('relays every event item once, per stream in version order, as CloudEvents keyed by stream; heads are ignored', async () => {
    const { container, drop } = await freshContainer(server(), 'events');
    try {
      const store = new CosmosEventStore({ container });
      const a = `t1:Order-${randomUUID().slice(0, 6)}`;
      const b = `t1:Customer-${randomUUID().slice(0, 6)}`;
      await store.append(a, [ev('OrderPlaced', 1), ev('ItemAdded', 2)], 'no_stream');
      await store.append(b, [ev('CustomerRegistered', 1)], 'no_stream');
      await store.append(a, [ev('ItemAdded', 3), ev('OrderAudited', 4), ev('ItemAdded', 5)], 2);
      const { resources } = await container.items.query<Record<string, unknown>>('SELECT * FROM c').fetchAll();
      assert.equal(resources.length, 8, '6 event items + 2 heads as stored');
      const shuffled = [...resources].reverse();
      const bus = new RecordingBus();
      const relay = new CosmosChangeFeedRelay({ bus: bus as unknown as EventBus, routing: { noncritical: ['OrderAudited'] } });
      const r = await relay.handle(shuffled);
      assert.deepEqual(r, { published: 6, ignored: 2 });
      const ofA = bus.messages.filter((m) => m.partitionKey === a);
      assert.deepEqual(ofA.map((m) => m.envelope['streamversion']), [1, 2, 3, 4, 5]);
      assert.deepEqual(ofA.map((m) => m.path), ['core', 'core', 'core', 'noncritical', 'core']);
      const stored = await store.readStream(a);
      assert.deepEqual(ofA.map((m) => m.id), stored.map((e) => e.eventId));
      for (const m of bus.messages) {
        assert.equal(m.envelope.subject, m.partitionKey);
        assert.equal(m.envelope.specversion, '1.0');
      }
      assert.equal(bus.messages.filter((m) => m.partitionKey === b).length, 1);
    } finally {
      await drop();
    }
  });

  it('retries a throttled bus inside the batch and throws when it never accepts (the host redelivers; nothing is skipped)', async () => {
    const { container, drop } = await freshContainer(server(), 'events');
    try {
      const store = new CosmosEventStore({ container });
      const s = `t1:Order-${randomUUID().slice(0, 6)}`;
      await store.append(s, [ev('OrderPlaced', 1)], 'no_stream');
      const { resources } = await container.items.query<Record<string, unknown>>('SELECT * FROM c').fetchAll();
      const flaky = new RecordingBus();
      flaky.failures = 2;
      const fast = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2, unknownErrors: 'permanent' as const };
      assert.equal((await new CosmosChangeFeedRelay({ bus: flaky as unknown as EventBus, routing: { noncritical: [] }, retry: fast }).handle(resources)).published, 1);
      const down = new RecordingBus();
      down.failures = 100;
      await assert.rejects(new CosmosChangeFeedRelay({ bus: down as unknown as EventBus, routing: { noncritical: [] }, retry: fast }).handle(resources), /unavailable/);
      assert.equal(down.messages.length, 0);
    } finally {
      await drop();
    }
  });
});

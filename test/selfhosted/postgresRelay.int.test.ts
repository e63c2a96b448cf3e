/**
 * The outbox relay (core/relay) wired to PostgresEventStore + PostgresCheckpointStore (ADR 0142):
 * while 8 writers on two pools append without a global lock, the relay tailing readAll from its
 * stored checkpoint publishes every event exactly once and each stream in version order, and a
 * second relay started from the stored checkpoint publishes nothing again. (The relay polls too
 * slowly to hit a commit-order race reliably; postgresReadAllOrder.int.test.ts stages those.)
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { PostgresCheckpointStore } from '../../runtime/adapters/selfhosted/PostgresCheckpointStore';
import { PostgresEventStore } from '../../runtime/adapters/selfhosted/PostgresEventStore';
import { OutboxRelay } from '../../runtime/core/relay';
import type { BusMessage, EventBus } from '../../runtime/ports/EventBus';
import { evs, sleep } from '../contracts/eventStore/support';
import { usePostgres } from './pgFixture';

/** The relay only publishes; this bus records what it accepted, in order. */
function recordingBus(): { bus: EventBus; published: BusMessage[] } {
  const published: BusMessage[] = [];
  const unsupported = (): never => {
    throw new Error('recordingBus: the relay only publishes');
  };
  const bus = {
    publish: async (messages: readonly BusMessage[]) => {
      published.push(...messages);
    },
    subscribe: unsupported,
    deadLetters: undefined,
    close: async () => undefined,
  } as unknown as EventBus;
  return { bus, published };
}

describe('OutboxRelay on PostgreSQL (ADR 0142)', function () {
  this.timeout(120_000);
  const pg = usePostgres('OutboxRelay on PostgreSQL (test/selfhosted/postgresRelay.int.test.ts)');

  it('publishes every event once, streams in version order, while 8 writers on two pools append', async () => {
    const schema = `r_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
    const writers = [new PostgresEventStore({ connection: pg.connect(schema) }), new PostgresEventStore({ connection: pg.connect(schema) })];
    const store = new PostgresEventStore({ connection: pg.connect(schema) });
    const checkpoints = new PostgresCheckpointStore({ connection: pg.connect(schema) });
    const { bus, published } = recordingBus();
    const relay = new OutboxRelay({ store, checkpoints, bus, routing: { noncritical: [] }, batchSize: 5, pollMs: 2 });
    try {
      relay.start();
      const streams = Array.from({ length: 4 }, (_, i) => `t1:Order-relay-${i}-${randomUUID().slice(0, 8)}`);
      const appended: string[] = [];
      await Promise.all(Array.from({ length: 8 }, async (_, w) => {
        for (let i = 0; i < 25; i++) {
          const r = await writers[w % 2]!.append(streams[w % streams.length]!, evs(1 + (i % 2)), 'any');
          appended.push(...r.events.map((e) => e.eventId));
        }
      }));
      const deadline = Date.now() + 60_000;
      while (published.length < appended.length && Date.now() < deadline) await sleep(10);
      await sleep(100); // anything published twice would show up now
      await relay.stop();

      const ids = published.map((m) => m.id);
      assert.equal(new Set(ids).size, ids.length, 'no event published twice');
      assert.deepEqual(new Set(ids), new Set(appended), 'every appended event published');
      const last = new Map<string, number>();
      for (const m of published) {
        const version = Number(m.envelope.streamversion);
        assert.ok(version > (last.get(m.partitionKey) ?? 0), `${m.partitionKey}: v${version} published out of order`);
        last.set(m.partitionKey, version);
      }

      const again = recordingBus();
      const resumed = await new OutboxRelay({ store, checkpoints, bus: again.bus, routing: { noncritical: [] } }).drain();
      assert.equal(resumed, 0, 'a relay resuming from the stored checkpoint publishes nothing again');
      assert.match((await checkpoints.get('relay:bus'))!, /^\d{16}:\d{16}$/);
    } finally {
      await relay.stop();
      await Promise.all([...writers, store, checkpoints].map((x) => x.close()));
    }
  });
});

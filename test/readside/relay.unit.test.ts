/**
 * Relay: every stored event reaches the bus from the store only, routed per type, in a
 * CloudEvents envelope; a crash between append and publish loses nothing; a crash between
 * publish and checkpoint republishes (duplicates) and consumers still see every event.
 */
import assert from 'node:assert/strict';
import { InMemoryEventStore } from '../../runtime/adapters/local/InMemoryEventStore';
import { InMemoryCheckpointStore } from '../../runtime/adapters/local/InMemoryCheckpointStore';
import { InMemoryEventBus } from '../../runtime/adapters/local/InMemoryEventBus';
import { OutboxRelay, relayBatch, fromEnvelope, routeOf } from '../../runtime/core/relay';
import type { Delivery, EventBus } from '../../runtime/ports/EventBus';
import { UnavailableError } from '../../runtime/ports/errors';
import { waitUntil } from '../contracts/eventBusContract';

const ev = (i: number, type = 'OrderPlaced') => ({ eventId: `e-${i}-${type}`, type, schemaVersion: 1, data: { i }, metadata: { tenant: 'acme', correlationId: `c-${i}` } });

describe('relay', () => {
  let store: InMemoryEventStore;
  let checkpoints: InMemoryCheckpointStore;
  let bus: InMemoryEventBus;
  beforeEach(() => {
    store = new InMemoryEventStore();
    checkpoints = new InMemoryCheckpointStore();
    bus = new InMemoryEventBus();
  });
  afterEach(async () => {
    await bus.close();
  });

  const collect = async (path: 'core' | 'noncritical', group = `g-${path}`): Promise<Delivery[]> => {
    const got: Delivery[] = [];
    await bus.subscribe({ group, path, handler: async (d) => void got.push(d) });
    return got;
  };

  it('routes by type (core by default), wraps in CloudEvents and advances its checkpoint', async () => {
    const core = await collect('core');
    const nc = await collect('noncritical');
    await store.append('acme:Order-1', [ev(1), ev(2, 'OrderViewed')]);
    await store.append('acme:Order-2', [ev(3)]);
    const relay = new OutboxRelay({ store, checkpoints, bus, routing: { noncritical: ['OrderViewed'] } });
    assert.equal(await relay.drain(), 3);
    await waitUntil('deliveries', () => core.length === 2 && nc.length === 1, 2000);
    assert.equal(routeOf('Anything', { noncritical: [] }), 'core');
    const first = core.find((d) => d.message.id === 'e-1-OrderPlaced')!;
    assert.equal(first.message.partitionKey, 'acme:Order-1');
    assert.equal(first.message.envelope.specversion, '1.0');
    assert.equal(first.message.envelope.subject, 'acme:Order-1');
    assert.equal(first.message.envelope.tenant, 'acme');
    assert.equal(first.message.envelope.correlationid, 'c-1');
    const back = fromEnvelope(first.message.envelope);
    assert.deepEqual(back, (await store.readStream('acme:Order-1'))[0]);
    assert.equal(nc[0]!.message.envelope.type, 'OrderViewed');
    assert.equal(await relay.drain(), 0, 'nothing republished once the checkpoint advanced');
    assert.ok(await checkpoints.get('relay:bus'));
  });

  it('loses nothing when the process dies between append and publish: the next relay publishes it', async () => {
    const core = await collect('core');
    await store.append('acme:Order-1', [ev(1)]);
    // "crash": no relay ran. A new process starts its relay from the stored checkpoint.
    const relay = new OutboxRelay({ store, checkpoints, bus, routing: { noncritical: [] }, pollMs: 5 });
    relay.start();
    await store.append('acme:Order-1', [ev(2)]);
    relay.wake();
    await waitUntil('both events', () => core.length === 2, 2000);
    await relay.stop();
    assert.deepEqual(core.map((d) => d.message.id), ['e-1-OrderPlaced', 'e-2-OrderPlaced']);
  });

  it('republishes a page when it dies between publish and checkpoint; duplicates carry the same ids', async () => {
    const core = await collect('core');
    await store.append('acme:Order-1', [ev(1), ev(2)]);
    const failingCheckpoints = Object.create(checkpoints) as InMemoryCheckpointStore;
    failingCheckpoints.set = async () => {
      throw new Error('process killed before the checkpoint was saved');
    };
    const dying = new OutboxRelay({ store, checkpoints: failingCheckpoints, bus, routing: { noncritical: [] } });
    await assert.rejects(dying.pollOnce(), /process killed/);
    const relay = new OutboxRelay({ store, checkpoints, bus, routing: { noncritical: [] } });
    assert.equal(await relay.drain(), 2);
    await waitUntil('4 deliveries (2 duplicates)', () => core.length === 4, 2000);
    assert.deepEqual([...new Set(core.map((d) => d.message.id))].sort(), ['e-1-OrderPlaced', 'e-2-OrderPlaced']);
  });

  it('relayBatch (the CDC entry point) retries transient bus errors and gives up on permanent ones', async () => {
    let calls = 0;
    const flaky: EventBus = Object.assign(Object.create(bus) as EventBus, {
      publish: async (m: Parameters<EventBus['publish']>[0]) => {
        if (++calls < 3) throw new UnavailableError('bus', 'throttled');
        return bus.publish(m);
      },
    });
    const core = await collect('core');
    await store.append('acme:Order-9', [ev(9)]);
    const events = (await store.readAll()).events;
    const retries: number[] = [];
    const n = await relayBatch(events, { bus: flaky, routing: { noncritical: [] }, retry: { maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 2 }, onRetry: (i) => retries.push(i.attempt) });
    assert.equal(n, 1);
    assert.deepEqual(retries, [1, 2]);
    await waitUntil('delivery', () => core.length === 1, 2000);
    const broken: EventBus = Object.assign(Object.create(bus) as EventBus, { publish: async () => { throw new Error('bad credentials'); } });
    await assert.rejects(relayBatch(events, { bus: broken, routing: { noncritical: [] } }), /bad credentials/);
  });
});

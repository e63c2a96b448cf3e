/**
 * The command handler's kept state (stateCacheSize): a hot stream is not reloaded from snapshot +
 * tail on every command, yet every event appended since — by anyone — is folded in, and a command
 * whose record could not be written is recognised on retry. Also: the handler that appended a
 * command's events reports it as not replayed even when another handler recorded it first.
 */
import assert from 'node:assert/strict';
import { InvalidArgumentError, type EventStore, type IdempotencyStore, type ReadStreamOptions, type SnapshotStore } from '../../runtime/ports';
import { CommandHandler } from '../../runtime/core/commandHandler';
import { commandEventId } from '../../runtime/core/commandHandlerSupport';
import { addItem, coreFixture, place } from './fixtures';

/** Counts snapshot loads and records the options of every stream read. */
function observed(fx: ReturnType<typeof coreFixture>) {
  const reads: Array<{ streamId: string; options: ReadStreamOptions | undefined }> = [];
  let snapshotLoads = 0;
  const eventStore: EventStore = Object.assign(Object.create(fx.eventStore) as EventStore, {
    readStream: (streamId: string, options?: ReadStreamOptions) => {
      reads.push({ streamId, options });
      return fx.eventStore.readStream(streamId, options);
    },
  });
  const snapshots: SnapshotStore = Object.assign(Object.create(fx.snapshots) as SnapshotStore, {
    load: (...args: Parameters<SnapshotStore['load']>) => {
      snapshotLoads++;
      return fx.snapshots.load(...args);
    },
  });
  return { eventStore, snapshots, reads, loads: () => snapshotLoads };
}

describe('CommandHandler: kept state (stateCacheSize)', () => {
  it('reads only the events after the kept version on the next command of a stream, no snapshot', async () => {
    const fx = coreFixture();
    const o = observed(fx);
    const handler = new CommandHandler({ eventStore: o.eventStore, snapshots: o.snapshots, idempotency: fx.idempotency, aggregates: fx.aggregates, stateCacheSize: 10 });
    await handler.handle(place('1'));
    assert.equal(o.loads(), 1, 'the first command loads the stream in full');
    await handler.handle(addItem('1', 'PEN'));
    const r = await handler.handle(addItem('1', 'INK'));
    assert.equal(o.loads(), 1, 'no snapshot read for the kept stream');
    assert.deepEqual(o.reads.slice(1).map((x) => x.options?.fromVersion), [2, 3], 'only the events after the kept version');
    assert.equal(r.version, 3);
    const stored = await fx.eventStore.readStream('acme:Order-1');
    assert.deepEqual(stored.map((e) => e.type), ['OrderPlaced', 'ItemAdded', 'ItemAdded']);
  });

  it('folds events appended by another writer since the kept version', async () => {
    const fx = coreFixture();
    const handler = new CommandHandler({ eventStore: fx.eventStore, snapshots: fx.snapshots, idempotency: fx.idempotency, aggregates: fx.aggregates, stateCacheSize: 10 });
    await handler.handle(place('1'));
    // Another process adds PEN directly (same events a handler would append).
    await fx.eventStore.append('acme:Order-1', [{
      eventId: 'other-writer-1', type: 'ItemAdded', schemaVersion: 1,
      data: { orderId: '1', sku: 'PEN', name: 'Pen', quantity: 1, unitPriceCents: 100 }, metadata: { tenant: 'acme' },
    }], 1);
    const r = await handler.handle(addItem('1', 'INK'));
    assert.equal(r.version, 3, 'decided on version 2, not on the kept version 1');
    // The kept state includes PEN: removing it is accepted (the Order decider refuses unknown SKUs).
    const removed = await handler.handle({ ...addItem('1', 'PEN'), type: 'RemoveItem', payload: { sku: 'PEN' } });
    assert.equal(removed.version, 4);
  });

  it('a command whose idempotency record failed is a replay on retry, not a second decision', async () => {
    const fx = coreFixture();
    let failNext = false;
    const flaky: IdempotencyStore = {
      get: (k) => fx.idempotency.get(k),
      close: () => fx.idempotency.close(),
      putIfAbsent: async (k, v, ttl) => {
        if (failNext) {
          failNext = false;
          throw new Error('record write failed');
        }
        return fx.idempotency.putIfAbsent(k, v, ttl);
      },
    };
    const handler = new CommandHandler({ eventStore: fx.eventStore, snapshots: fx.snapshots, idempotency: flaky, aggregates: fx.aggregates, stateCacheSize: 10 });
    failNext = true;
    await assert.rejects(handler.handle(place('1', { commandId: 'place-1' })), /record write failed/);
    // Deciding PlaceOrder again on the placed order would be refused: the retry must find the
    // command's events in the stream, which the kept state would have hidden.
    const retried = await handler.handle(place('1', { commandId: 'place-1' }));
    assert.equal(retried.replayed, true);
    assert.equal(retried.version, 1);
    assert.equal((await fx.eventStore.readStream('acme:Order-1')).length, 1, 'placed once');
  });

  it('keeps at most stateCacheSize streams (least recently used dropped first)', async () => {
    const fx = coreFixture();
    const o = observed(fx);
    const handler = new CommandHandler({ eventStore: o.eventStore, snapshots: o.snapshots, idempotency: fx.idempotency, aggregates: fx.aggregates, stateCacheSize: 1 });
    await handler.handle(place('1'));
    await handler.handle(place('2'));
    await handler.handle(addItem('2', 'PEN'));
    assert.equal(o.loads(), 2, 'stream 2 kept');
    await handler.handle(addItem('1', 'PEN'));
    assert.equal(o.loads(), 3, 'stream 1 was dropped for stream 2 and is loaded again');
  });

  it('is off by default and refuses a size that is not an integer >= 0', async () => {
    const fx = coreFixture();
    const o = observed(fx);
    const handler = new CommandHandler({ eventStore: o.eventStore, snapshots: o.snapshots, idempotency: fx.idempotency, aggregates: fx.aggregates });
    await handler.handle(place('1'));
    await handler.handle(addItem('1', 'PEN'));
    assert.equal(o.loads(), 2);
    for (const bad of [-1, 1.5, Number.NaN]) {
      assert.throws(() => new CommandHandler({ eventStore: fx.eventStore, idempotency: fx.idempotency, aggregates: fx.aggregates, stateCacheSize: bad }), InvalidArgumentError);
    }
  });
});

describe('CommandHandler: the appender of a command keeps its result', () => {
  it('reports replayed: false when another handler recorded the command first from the stream', async () => {
    const fx = coreFixture();
    await fx.handler.handle(place('1'));
    const other = fx.handler;
    let otherResult: Awaited<ReturnType<CommandHandler['handle']>> | undefined;
    // Between this handler's append and its record, another handler retries the same command,
    // finds its events in the stream (crash-recovery path) and writes the record first.
    const racing: IdempotencyStore = {
      get: (k) => fx.idempotency.get(k),
      close: () => fx.idempotency.close(),
      putIfAbsent: async (k, v, ttl) => {
        otherResult = await other.handle(addItem('1', 'PEN', { commandId: 'add-pen' }));
        return fx.idempotency.putIfAbsent(k, v, ttl);
      },
    };
    const appender = new CommandHandler({ eventStore: fx.eventStore, snapshots: fx.snapshots, idempotency: racing, aggregates: fx.aggregates });
    const mine = await appender.handle(addItem('1', 'PEN', { commandId: 'add-pen' }));
    assert.equal(otherResult?.replayed, true, 'the other handler only saw the events');
    assert.equal(mine.replayed, false, 'the appender appended them');
    assert.equal(mine.version, otherResult?.version);
    assert.deepEqual(mine.events.map((e) => e.eventId), [commandEventId('acme', 'add-pen', 0)]);
    assert.equal((await fx.eventStore.readStream('acme:Order-1')).length, 2);
  });
});

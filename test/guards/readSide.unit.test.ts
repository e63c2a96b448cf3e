/**
 * Guards: projections and query handlers get a read-only view of the event store; a saga
 * changes aggregates only through the command API (its store appends only its own
 * SagaReacted history). Checked on the wrappers and on the places that hand the store out.
 */
import assert from 'node:assert/strict';
import { ARCHITECTURE_RULES, isArchitectureViolationError, isReadOnlyEventStore, readOnlyEventStore, sagaInstanceStore, violatedRule } from '../../runtime/core/guards';
import { InMemoryEventStore } from '../../runtime/adapters/local/InMemoryEventStore';
import { InMemoryEventBus } from '../../runtime/adapters/local/InMemoryEventBus';
import { InMemoryCheckpointStore } from '../../runtime/adapters/local/InMemoryCheckpointStore';
import { InMemorySearchIndex } from '../../runtime/adapters/local/InMemorySearchIndex';
import { ReadSide } from '../../runtime/core/bus/ReadSide';
import { SAGA_REACTED } from '../../runtime/core/sagas/saga';
import { orderProjections } from '../../examples/orders/projections';
import { fulfilmentSaga } from '../../examples/orders/sagas';
import type { EventStore } from '../../runtime/ports/EventStore';

const event = (id: string, type = 'OrderPlaced') => ({ eventId: id, type, schemaVersion: 1, data: { n: 1 } });
const violates = (rule: string) => (e: unknown): boolean => isArchitectureViolationError(e) && e.rule === rule && violatedRule(e) === rule;

describe('guard: the read side is read-only', () => {
  it('readOnlyEventStore passes reads through and refuses append, naming the rule and the reader', async () => {
    const store = new InMemoryEventStore();
    await store.append('t:Order-1', [event('e1')]);
    const view = readOnlyEventStore(store, 'projection orders');
    assert.equal((await view.readStream('t:Order-1')).length, 1);
    assert.equal((await view.streamInfo('t:Order-1')).version, 1);
    assert.equal((await view.readAll()).events.length, 1);
    await assert.rejects(view.append('t:Order-1', [event('e2')]), (e: unknown) => violates(ARCHITECTURE_RULES.readSideReadOnly)(e) && /projection orders/.test((e as Error).message));
    assert.equal((await store.streamInfo('t:Order-1')).version, 1, 'nothing was appended');
    await view.close();
    assert.equal((await store.readStream('t:Order-1')).length, 1, 'closing the view leaves the store open');
    assert.equal(readOnlyEventStore(view), view);
    assert.ok(isReadOnlyEventStore(view));
    assert.ok(!isReadOnlyEventStore(store));
  });

  it('the read side hands projections a read-only store and sagas a saga-instance store', async () => {
    const store = new InMemoryEventStore();
    const readSide = new ReadSide(
      { eventStore: store, bus: new InMemoryEventBus(), checkpoints: new InMemoryCheckpointStore(), search: new InMemorySearchIndex() },
      { routing: { noncritical: [] }, projections: orderProjections, sagas: [fulfilmentSaga()], commands: { handle: () => Promise.reject(new Error('not used')) } },
    );
    assert.ok(readSide.projections.length > 0);
    // The runners and coordinators keep their ports in a private `deps`; read it to check the wiring.
    for (const runner of readSide.projections) {
      const given = (runner as unknown as { deps: { store: EventStore } }).deps.store;
      assert.ok(isReadOnlyEventStore(given), `projection ${runner.definition.name} got a writable store`);
      await assert.rejects(given.append('t:Order-1', [event('e1')]), violates(ARCHITECTURE_RULES.readSideReadOnly));
    }
    for (const saga of readSide.sagas) {
      const given = (saga as unknown as { deps: { store: EventStore } }).deps.store;
      await assert.rejects(given.append('t:Order-1', [event('e1')]), violates(ARCHITECTURE_RULES.sagaCommandsOnly));
    }
    assert.equal((await store.streamInfo('t:Order-1')).exists, false);
  });
});

describe('guard: a saga issues commands only through the command API', () => {
  it('appends SagaReacted events to its own instance streams', async () => {
    const store = new InMemoryEventStore();
    const sagaStore = sagaInstanceStore(store, 'OrderFulfilment');
    const r = await sagaStore.append('t:OrderFulfilment-42', [event('r1', SAGA_REACTED)]);
    assert.equal(r.nextVersion, 1);
  });

  it('refuses appends to aggregate streams, other sagas, untenanted ids and non-SagaReacted events', async () => {
    const store = new InMemoryEventStore();
    const sagaStore = sagaInstanceStore(store, 'OrderFulfilment');
    const rule = violates(ARCHITECTURE_RULES.sagaCommandsOnly);
    await assert.rejects(sagaStore.append('t:Order-42', [event('x1', SAGA_REACTED)]), rule);
    await assert.rejects(sagaStore.append('t:OtherSaga-42', [event('x2', SAGA_REACTED)]), rule);
    await assert.rejects(sagaStore.append('OrderFulfilment-42', [event('x3', SAGA_REACTED)]), rule);
    await assert.rejects(sagaStore.append('t:OrderFulfilment-42', [event('x4', 'OrderShipped')]), (e: unknown) => rule(e) && /OrderShipped/.test((e as Error).message));
    assert.equal((await store.readAll()).events.length, 0, 'nothing was stored');
  });

  it('a saga definition has no store: its reactions are data (commands) that the coordinator sends to the command gateway', () => {
    const saga = fulfilmentSaga();
    const reaction = saga.react(saga.initialState, {
      kind: 'event', type: 'OrderPlaced', eventId: 'e1', streamId: 't:Order-1',
      data: { orderId: '1', customerId: 'c', currency: 'EUR', items: [{ sku: 'BOOK', name: 'Book', quantity: 1, unitPriceCents: 100 }] },
    });
    assert.ok((reaction.commands?.length ?? 0) > 0, 'OrderPlaced issues reservation commands');
    for (const c of reaction.commands ?? []) assert.deepEqual(Object.keys(c).sort(), ['aggregateId', 'aggregateType', 'payload', 'type']);
  });
});

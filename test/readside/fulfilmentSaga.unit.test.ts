/**
 * The Orders fulfilment saga end to end on the in-memory stack: the command handler is the
 * only way it changes anything; reserve → pay → ship; refused reservation → cancel + release;
 * payment timeout → cancel + release; redelivered events issue nothing twice.
 */
import assert from 'node:assert/strict';
import { InMemoryEventBus } from '../../runtime/adapters/local/InMemoryEventBus';
import { InMemorySearchIndex } from '../../runtime/adapters/local/InMemorySearchIndex';
import { ReadSide } from '../../runtime/core/bus';
import { toBusMessages } from '../../runtime/core/relay';
import { coreFixture } from '../core/fixtures';
import { orderDecider, totalOf } from '../../examples/orders';
import { inventoryDecider, available } from '../../examples/orders/inventory/inventory';
import { fulfilmentSaga, type FulfilmentState } from '../../examples/orders/sagas';
import { orderProjections } from '../../examples/orders/projections';
import type { SagaCoordinator } from '../../runtime/core/sagas';
import { waitUntil } from '../contracts/eventBusContract';

describe('fulfilment saga (in-memory stack)', () => {
  let fx: ReturnType<typeof coreFixture>;
  let bus: InMemoryEventBus;
  let readSide: ReadSide;
  let saga: SagaCoordinator<FulfilmentState>;
  let now = Date.now();

  beforeEach(async () => {
    fx = coreFixture({ deciders: [orderDecider, inventoryDecider] });
    bus = new InMemoryEventBus();
    now = Date.now();
    readSide = new ReadSide(
      { eventStore: fx.eventStore, bus, checkpoints: fx.checkpoints, search: new InMemorySearchIndex() },
      { routing: { noncritical: [] }, projections: orderProjections, sagas: [fulfilmentSaga({ paymentTimeoutMs: 60_000, stalledAfterMs: 5_000 })], commands: fx.handler, relayPollMs: 2, timeoutPollMs: 1_000_000 },
    );
    saga = readSide.sagas[0]! as SagaCoordinator<FulfilmentState>;
    (saga as unknown as { now: () => Date }).now = () => new Date(now);
    await readSide.start();
  });
  afterEach(async () => {
    await readSide.stop();
    await bus.close();
  });

  const cmd = (aggregateType: string, aggregateId: string, type: string, payload: Record<string, unknown>) =>
    fx.handler.handle({ tenant: 'acme', aggregateType, aggregateId, type, payload });
  const items = [{ sku: 'BOOK', name: 'Book', quantity: 2, unitPriceCents: 1000 }, { sku: 'PEN', name: 'Pen', quantity: 1, unitPriceCents: 150 }];
  const stock = async (sku: string) => {
    const events = await fx.eventStore.readStream(`acme:Inventory-${sku}`);
    return events.reduce((s, e) => inventoryDecider.evolve(s, e as never), inventoryDecider.initialState);
  };
  const orderStatus = async (id: string) => {
    const events = await fx.eventStore.readStream(`acme:Order-${id}`);
    return events.reduce((s, e) => orderDecider.evolve(s, e as never), orderDecider.initialState).status;
  };
  const phase = async (id: string) => (await saga.load('acme', id)).state.phase;

  it('reserves on OrderPlaced, ships and commits stock on PaymentConfirmed', async () => {
    await cmd('Inventory', 'BOOK', 'Restock', { quantity: 5 });
    await cmd('Inventory', 'PEN', 'Restock', { quantity: 5 });
    await cmd('Order', 'o1', 'PlaceOrder', { customerId: 'alice', currency: 'EUR', items });
    await waitUntil('awaiting payment', async () => (await phase('o1')) === 'awaitingPayment', 3000);
    assert.equal(available(await stock('BOOK')), 3);
    await cmd('Order', 'o1', 'ConfirmPayment', { paymentId: 'p1', amountCents: totalOf(items) });
    await waitUntil('shipped', async () => (await phase('o1')) === 'shipped', 3000);
    assert.equal(await orderStatus('o1'), 'shipped');
    assert.deepEqual([(await stock('BOOK')).onHand, (await stock('PEN')).onHand], [3, 4]);
    const inst = await saga.load('acme', 'o1');
    assert.equal(inst.status, 'completed');
    assert.equal(inst.timeouts.size, 0);
    assert.ok(inst.history.length >= 6, 'history records every input');
  });

  it('cancels the order and releases what it reserved when a reservation is refused', async () => {
    await cmd('Inventory', 'BOOK', 'Restock', { quantity: 5 });
    await cmd('Order', 'o2', 'PlaceOrder', { customerId: 'bob', currency: 'EUR', items });
    await waitUntil('cancelled', async () => (await phase('o2')) === 'cancelled', 3000);
    assert.equal(await orderStatus('o2'), 'cancelled');
    assert.equal(available(await stock('BOOK')), 5, 'BOOK reservation released');
    assert.match(String((await saga.load('acme', 'o2')).state.reason), /stock unavailable for PEN/);
  });

  it('cancels and releases on payment timeout; redelivered events change nothing', async () => {
    await cmd('Inventory', 'BOOK', 'Restock', { quantity: 5 });
    await cmd('Inventory', 'PEN', 'Restock', { quantity: 5 });
    await cmd('Order', 'o3', 'PlaceOrder', { customerId: 'carol', currency: 'EUR', items });
    await waitUntil('awaiting payment', async () => (await phase('o3')) === 'awaitingPayment', 3000);
    const before = (await saga.load('acme', 'o3')).version;
    await bus.publish(toBusMessages(await fx.eventStore.readStream('acme:Order-o3'), { noncritical: [] }));
    await waitUntil('duplicate absorbed', () => saga.stats.duplicates >= 1, 3000);
    assert.equal((await saga.load('acme', 'o3')).version, before, 'a redelivered OrderPlaced adds nothing');
    assert.equal(await saga.fireDueTimeouts(), 0, 'not due yet');
    now += 61_000;
    assert.equal(await saga.fireDueTimeouts(), 1);
    assert.equal(await phase('o3'), 'cancelled');
    assert.equal(await orderStatus('o3'), 'cancelled');
    assert.equal(available(await stock('BOOK')), 5);
    assert.deepEqual(await saga.activeInstances(), []);
  });
});

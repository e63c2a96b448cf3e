/**
 * Saga reactions are governed events (ADR 0138): every SagaReacted a coordinator stores matches
 * schemas/sagas/SagaReacted.v1.avsc, a reaction that does not match is refused before anything
 * is stored (and dead-lettered as permanent), and stored reactions fold back to the same
 * instance (history, pending commands, timeouts) — including the pre-schema shape.
 */
import assert from 'node:assert/strict';
import { InMemoryEventBus } from '../../runtime/adapters/local/InMemoryEventBus';
import { InMemorySearchIndex } from '../../runtime/adapters/local/InMemorySearchIndex';
import { ReadSide } from '../../runtime/core/bus';
import type { LocalSchemaRegistry } from '../../runtime/adapters/local/LocalSchemaRegistry';
import type { EventPipeline } from '../../runtime/core/pipeline';
import { decodeReaction, encodeReaction, foldSaga, SAGA_REACTED, SagaCoordinator, type SagaDefinition, type SagaReactedData } from '../../runtime/core/sagas';
import { isSchemaValidationError } from '../../runtime/ports/SchemaRegistry';
import type { StoredEvent } from '../../runtime/ports/events';
import { coreFixture } from '../core/fixtures';
import { orderDecider, totalOf } from '../../examples/orders';
import { inventoryDecider } from '../../examples/orders/inventory/inventory';
import { fulfilmentSaga, type FulfilmentState } from '../../examples/orders/sagas';
import { waitUntil } from '../contracts/eventBusContract';
import { governed } from './fixtures';

describe('governance: saga reactions (SagaReacted) are schema-validated events', () => {
  let registry: LocalSchemaRegistry;
  let pipeline: EventPipeline;

  before(async () => {
    ({ registry, pipeline } = await governed());
  });
  after(async () => {
    await registry.close();
  });

  it('SagaReacted v1 is registered from schemas/sagas/', async () => {
    assert.deepEqual(await registry.versions(SAGA_REACTED), [1]);
  });

  it('the fulfilment saga stores only reactions that validate, and they fold back to the same history', async () => {
    const fx = coreFixture({ deciders: [orderDecider, inventoryDecider], handler: { pipeline } });
    const bus = new InMemoryEventBus();
    const readSide = new ReadSide(
      { eventStore: fx.eventStore, bus, checkpoints: fx.checkpoints, search: new InMemorySearchIndex() },
      { routing: { noncritical: [] }, projections: [], sagas: [fulfilmentSaga({ paymentTimeoutMs: 60_000, stalledAfterMs: 5_000 })], commands: fx.handler, relayPollMs: 2, timeoutPollMs: 1_000_000, pipeline },
    );
    const saga = readSide.sagas[0] as SagaCoordinator<FulfilmentState>;
    await readSide.start();
    try {
      const items = [{ sku: 'BOOK', name: 'Book', quantity: 2, unitPriceCents: 1000 }];
      const cmd = (aggregateType: string, aggregateId: string, type: string, payload: Record<string, unknown>) =>
        fx.handler.handle({ tenant: 'acme', aggregateType, aggregateId, type, payload });
      await cmd('Inventory', 'BOOK', 'Restock', { quantity: 5 });
      await cmd('Order', 'o1', 'PlaceOrder', { customerId: 'alice', currency: 'EUR', items });
      await waitUntil('awaiting payment', async () => (await saga.load('acme', 'o1')).state.phase === 'awaitingPayment', 3000);
      await cmd('Order', 'o1', 'ConfirmPayment', { paymentId: 'p1', amountCents: totalOf(items) });
      await waitUntil('shipped', async () => (await saga.load('acme', 'o1')).state.phase === 'shipped', 3000);

      const stored = await fx.eventStore.readStream(saga.streamIdOf('acme', 'o1'));
      assert.ok(stored.length >= 5, `expected the whole history, got ${stored.length} reactions`);
      for (const e of stored) {
        assert.equal(e.type, SAGA_REACTED);
        assert.deepEqual(await registry.validate(SAGA_REACTED, e.schemaVersion, e.data), [], `v${e.version} matches SagaReacted v${e.schemaVersion}`);
        assert.equal(typeof e.data.stateJson, 'string', 'state is stored as JSON text');
      }
      const inst = await saga.load('acme', 'o1');
      assert.equal(inst.status, 'completed');
      const kinds = inst.history.map((h) => h.input.kind);
      assert.ok(kinds.includes('event') && kinds.includes('commandResult'), `history holds events and command outcomes: ${kinds.join(',')}`);
      const firstCommand = inst.history.find((h) => h.commands.length > 0)!.commands[0]!;
      assert.deepEqual(firstCommand.payload, { orderId: 'o1', quantity: 2 }, 'command payloads decode to objects');
      const placed = inst.history.find((h) => h.input.kind === 'event' && h.input.type === 'OrderPlaced')!.input;
      assert.ok(placed.kind === 'event' && placed.data.customerId === 'alice', 'event data decodes to an object');
    } finally {
      await readSide.stop();
      await bus.close();
    }
  });

  it('a reaction that breaks the schema is refused before the append: nothing stored, the error names the field', async () => {
    const fx = coreFixture({ deciders: [orderDecider], handler: { pipeline } });
    const broken: SagaDefinition<{ n: number }> = {
      name: 'Broken', handles: ['OrderPlaced'], startsOn: ['OrderPlaced'], initialState: { n: 0 },
      correlate: (e) => String(e.data.orderId),
      // A definition bug: the aggregate id must be a string.
      react: (s) => ({ state: { n: s.n + 1 }, commands: [{ aggregateType: 'Order', aggregateId: 42 as unknown as string, type: 'CancelOrder', payload: {} }] }),
    };
    const saga = new SagaCoordinator(broken, {
      store: fx.eventStore, bus: new InMemoryEventBus(), checkpoints: fx.checkpoints, commands: fx.handler, routing: { noncritical: [] }, pipeline,
    });
    await assert.rejects(
      saga.run('acme', 'o9', { kind: 'event', type: 'OrderPlaced', eventId: 'e-1', streamId: 'Order-o9', data: { orderId: 'o9' } }),
      (err: unknown) => isSchemaValidationError(err) && /commands\[0\]\.aggregateId/.test((err as Error).message),
    );
    assert.deepEqual(await fx.eventStore.readStream(saga.streamIdOf('acme', 'o9')), [], 'nothing stored');
  });

  it('encode/decode round-trips every input kind; the pre-schema shape still folds', () => {
    const cases: SagaReactedData[] = [
      { inputId: 'event:e1', input: { kind: 'event', type: 'OrderPlaced', eventId: 'e1', streamId: 'Order-1', data: { orderId: '1', n: [1, 2] } }, state: { phase: 'x' }, status: 'active', commands: [{ commandId: 'c1', aggregateType: 'Inventory', aggregateId: 'BOOK', type: 'Reserve', payload: { quantity: 1 } }], timeouts: [{ name: 'payment', dueAt: '2026-01-01T00:00:00.000Z' }], cancelled: [] },
      { inputId: 'command:c1', input: { kind: 'commandResult', commandId: 'c1', command: { aggregateType: 'Inventory', aggregateId: 'BOOK', type: 'Reserve', payload: { quantity: 1 } }, ok: false, error: { code: 'INVARIANT_VIOLATED', rule: 'stock', message: 'no stock' } }, state: null, status: 'completed', commands: [], timeouts: [], cancelled: ['payment'] },
      { inputId: 'timeout:payment@t', input: { kind: 'timeout', name: 'payment', dueAt: 't' }, state: 3, status: 'completed', commands: [], timeouts: [], cancelled: [], ignored: true },
    ];
    for (const d of cases) assert.deepEqual(decodeReaction(encodeReaction(d)), d);
    const legacy = { ...cases[0]!, input: cases[0]!.input } as unknown as Record<string, unknown>;
    assert.deepEqual(decodeReaction(legacy), cases[0], 'pre-schema SagaReacted (plain objects) still decodes');
    const stored = (data: Record<string, unknown>, version: number): StoredEvent => ({
      streamId: 'acme:S-1', version, position: String(version), eventId: `x${version}`, type: SAGA_REACTED, schemaVersion: 1, data, metadata: { tenant: 'acme' }, recordedAt: '2026-01-01T00:00:00.000Z',
    });
    const def = { name: 'S', initialState: {} } as SagaDefinition<unknown>;
    const inst = foldSaga(def, 'acme', '1', 'acme:S-1', [stored(legacy, 1), stored(encodeReaction(cases[1]!), 2)]);
    assert.equal(inst.status, 'completed');
    assert.equal(inst.pendingCommands.length, 0, 'the command outcome cleared the pending command');
    assert.equal(inst.history.length, 2);
  });
});

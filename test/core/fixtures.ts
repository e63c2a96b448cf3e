/** Shared fixtures for core tests: in-memory stores wired to the Order decider. */
import { InMemoryCheckpointStore } from '../../runtime/adapters/local/InMemoryCheckpointStore';
import { InMemoryEventStore } from '../../runtime/adapters/local/InMemoryEventStore';
import { InMemoryIdempotencyStore } from '../../runtime/adapters/local/InMemoryIdempotencyStore';
import { InMemorySnapshotStore } from '../../runtime/adapters/local/InMemorySnapshotStore';
import { ManualClock, type SnapshotStore } from '../../runtime/ports';
import { AggregateRegistry, type AnyDecider } from '../../runtime/core/aggregate';
import { CommandHandler, type CommandHandlerDeps, type CommandRequest } from '../../runtime/core/commandHandler';
import { Snapshotter, type SnapshotPolicy } from '../../runtime/core/snapshots';
import { orderDecider } from '../../examples/orders';

export function coreFixture(options: {
  deciders?: AnyDecider[];
  policy?: Partial<SnapshotPolicy>;
  handler?: Partial<CommandHandlerDeps>;
  /** The store the snapshotter writes to (default: the fixture's in-memory one). */
  snapshotWrites?: SnapshotStore;
} = {}) {
  const clock = new ManualClock();
  const eventStore = new InMemoryEventStore({ clock });
  const snapshots = new InMemorySnapshotStore();
  const checkpoints = new InMemoryCheckpointStore();
  const idempotency = new InMemoryIdempotencyStore({ clock });
  const aggregates = new AggregateRegistry(options.deciders ?? [orderDecider]);
  const errors: unknown[] = [];
  const snapshotter = new Snapshotter(
    { eventStore, snapshots: options.snapshotWrites ?? snapshots, checkpoints, aggregates, clock, logger: { error: (obj) => errors.push(obj) } },
    { everyNEvents: 100, maxAgeSeconds: 3600, ...options.policy },
  );
  const handler = new CommandHandler({ eventStore, snapshots, idempotency, aggregates, snapshotter, ...options.handler });
  return { clock, eventStore, snapshots, checkpoints, idempotency, aggregates, snapshotter, handler, errors };
}

export const place = (id: string, extra: Partial<CommandRequest> = {}): CommandRequest => ({
  tenant: 'acme', aggregateType: 'Order', aggregateId: id, type: 'PlaceOrder',
  payload: { customerId: 'c-1', currency: 'EUR', items: [{ sku: 'BOOK', name: 'Book', quantity: 1, unitPriceCents: 1000 }] },
  ...extra,
});

export const addItem = (id: string, sku: string, extra: Partial<CommandRequest> = {}): CommandRequest => ({
  tenant: 'acme', aggregateType: 'Order', aggregateId: id, type: 'AddItem',
  payload: { sku, name: `Item ${sku}`, quantity: 1, unitPriceCents: 100 },
  ...extra,
});

/**
 * Worker thread for commandHandler.sqlite.int.test.ts: its own SQLite connections and command
 * handler on the shared file, released by a barrier so all workers race for real.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SqliteEventStore } from '../../runtime/adapters/local/SqliteEventStore';
import { SqliteIdempotencyStore } from '../../runtime/adapters/local/SqliteIdempotencyStore';
import { SqliteSnapshotStore } from '../../runtime/adapters/local/SqliteSnapshotStore';
import { AggregateRegistry } from '../../runtime/core/aggregate';
import { CommandHandler, type CommandResult } from '../../runtime/core/commandHandler';
import { orderDecider } from '../../examples/orders';

export interface CommandWorkerInput {
  readonly path: string;
  readonly orderId: string;
  readonly commands: ReadonlyArray<{ readonly commandId: string; readonly sku: string }>;
  readonly barrier: SharedArrayBuffer;
}
export interface CommandWorkerOutput {
  readonly results: CommandResult[];
  readonly conflictsRetried: number;
  readonly error?: string;
}

async function run(input: CommandWorkerInput): Promise<CommandWorkerOutput> {
  const eventStore = new SqliteEventStore({ path: input.path });
  const snapshots = new SqliteSnapshotStore({ path: input.path });
  const idempotency = new SqliteIdempotencyStore({ path: input.path });
  const handler = new CommandHandler({ eventStore, snapshots, idempotency, aggregates: new AggregateRegistry([orderDecider]), maxAttempts: 30 });
  const gate = new Int32Array(input.barrier);
  Atomics.add(gate, 0, 1);
  while (Atomics.load(gate, 0) >= 0) Atomics.wait(gate, 0, Atomics.load(gate, 0), 5);
  try {
    const results = await Promise.all(input.commands.map((c) => handler.handle({
      tenant: 'acme', aggregateType: 'Order', aggregateId: input.orderId, type: 'AddItem', commandId: c.commandId,
      payload: { sku: c.sku, name: c.sku, quantity: 1, unitPriceCents: 100 },
    })));
    return { results, conflictsRetried: handler.stats.conflictsRetried };
  } finally {
    await eventStore.close();
    await snapshots.close();
    await idempotency.close();
  }
}

run(workerData as CommandWorkerInput).then(
  (out) => parentPort?.postMessage(out),
  (err: unknown) => parentPort?.postMessage({ results: [], conflictsRetried: 0, error: err instanceof Error ? err.stack ?? err.message : String(err) }),
);

/**
 * The EventStore conformance suite every adapter runs (in-memory, SQLite, DynamoDB, Firestore,
 * Cosmos DB, PostgreSQL, ...). An adapter's spec is a few lines:
 *
 *   eventStoreContract('SqliteEventStore', async () => {
 *     const store = new SqliteEventStore({ path });
 *     return { store, cleanup: () => store.close() };
 *   }, { writers: 8 });
 *
 * The factory runs before every case. It may hand back a store shared with earlier cases or
 * runs (each case uses its own fresh stream ids and looks only at those in readAll), but readAll
 * over it must be cheap to page through from a checkpoint taken at the case's start.
 * Options scale the contention cases down for slow servers (DynamoDB Local ~170 writes/s).
 */
import type { EventStore } from '../../runtime/ports';
import { appendCases } from './eventStore/appendCases';
import { concurrencyCases } from './eventStore/concurrencyCases';
import { limitCases } from './eventStore/limitCases';
import { readAllCases } from './eventStore/readAllCases';
import { readCases } from './eventStore/readCases';
import { newStreamId, resolveOptions, type Ctx, type EventStoreContractOptions, type StoreFactory } from './eventStore/support';

export type { EventStoreContractOptions, StoreFactory, StoreHandle } from './eventStore/support';

export function eventStoreContract(name: string, factory: StoreFactory<EventStore>, options?: EventStoreContractOptions): void {
  const opts = resolveOptions(options);
  describe(`EventStore contract: ${name}`, function () {
    let current: Ctx | undefined;
    let cleanup: (() => Promise<void>) | undefined;

    beforeEach(async function () {
      this.timeout(opts.slowTimeoutMs);
      const handle = await factory();
      cleanup = () => handle.cleanup();
      current = { store: handle.store, opts, stream: newStreamId };
    });
    afterEach(async function () {
      this.timeout(opts.slowTimeoutMs);
      const c = cleanup;
      current = undefined;
      cleanup = undefined;
      if (c) await c();
    });

    const ctx = (): Ctx => {
      if (!current) throw new Error('eventStoreContract: no store (the factory failed or the case ran outside a test)');
      return current;
    };
    appendCases(ctx);
    readCases(ctx);
    readAllCases(ctx);
    limitCases(ctx);
    concurrencyCases(ctx);
  });
}

/**
 * Cosmos test fixtures: one client per server, a fresh container per case (so readAll from the
 * start stays cheap and cases never see each other's items), partition keys exactly as
 * providers/azure/eventStore.ts provisions them, and a request-counting plugin for the
 * request-cost measurement.
 */
import { randomUUID } from 'node:crypto';
import type { Container, CosmosClient, Plugin, PluginConfig } from '@azure/cosmos';
import { PluginOn } from '@azure/cosmos';
import { STORE_CONTAINERS } from '../../providers/azure/eventStore';
import { BUS_CHECKPOINT_CONTAINER, DEADLETTER_CONTAINER } from '../../providers/azure/eventBus';
import type { RunningServer } from '../aws/support/processServer';
import { cosmosClient, ensureContainer } from '../servers/cosmos';

export const TEST_DATABASE = 'nexus';

export type StoreContainer = keyof typeof STORE_CONTAINERS | typeof DEADLETTER_CONTAINER | typeof BUS_CHECKPOINT_CONTAINER;

const PARTITION_KEYS: Record<StoreContainer, string> = {
  ...Object.fromEntries(Object.entries(STORE_CONTAINERS).map(([id, spec]) => [id, spec.partitionKey])) as Record<keyof typeof STORE_CONTAINERS, string>,
  [DEADLETTER_CONTAINER]: '/group',
  [BUS_CHECKPOINT_CONTAINER]: '/id',
};

const clients = new WeakMap<RunningServer, CosmosClient>();

export function clientFor(server: RunningServer): CosmosClient {
  let c = clients.get(server);
  if (!c) {
    c = cosmosClient(server);
    clients.set(server, c);
  }
  return c;
}

/** A fresh container named `<kind>-<random>` with the provider's partition key for `kind`. */
export async function freshContainer(server: RunningServer, kind: StoreContainer, client = clientFor(server)): Promise<{ container: Container; drop(): Promise<void> }> {
  const container = await ensureContainer(client, TEST_DATABASE, `${kind}-${randomUUID().slice(0, 8)}`, PARTITION_KEYS[kind]);
  return { container, drop: async () => { await container.delete().catch(() => undefined); } };
}

/** Counts HTTP requests by operation type (Read, Query, Batch, Create, ...) through the SDK's plugin hook. */
export class RequestCounter {
  readonly counts = new Map<string, number>();
  readonly plugin: PluginConfig = {
    on: PluginOn.request,
    plugin: (async (context, _diagnosticNode, next) => {
      const planRequest = (context.headers as Record<string, unknown> | undefined)?.['x-ms-cosmos-is-query-plan-request'];
      // Query-plan requests go to the gateway before a query: metadata, not billed in RU.
      const op = planRequest === true || planRequest === 'True' || planRequest === 'true' ? 'queryPlan' : String(context.operationType ?? 'unknown');
      const resource = String(context.resourceType ?? '');
      if (resource === 'docs') this.counts.set(op, (this.counts.get(op) ?? 0) + 1);
      return next(context);
    }) as Plugin<unknown>,
  };
  total(): number {
    return [...this.counts.values()].reduce((a, b) => a + b, 0);
  }
  reset(): void {
    this.counts.clear();
  }
  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.counts.entries()].sort());
  }
}

export function countingClient(server: RunningServer): { client: CosmosClient; counter: RequestCounter } {
  const counter = new RequestCounter();
  return { client: cosmosClient(server, [counter.plugin]), counter };
}

/**
 * Does this server roll back a transactional batch whose later operation fails? Runs
 * [Create a, Create a-again (409)] and looks whether `a` survived. Real Cosmos DB: atomic.
 * cosmosdb-server 1.0.1: not atomic (it stops at the first failure without undoing earlier ones).
 */
export async function batchIsAtomic(server: RunningServer): Promise<boolean> {
  const { container, drop } = await freshContainer(server, 'events');
  try {
    const { BulkOperationType } = await import('@azure/cosmos');
    await container.items.batch([
      { operationType: BulkOperationType.Create, resourceBody: { id: 'probe', streamId: 'p' } },
      { operationType: BulkOperationType.Create, resourceBody: { id: 'probe', streamId: 'p' } },
    ], 'p');
    const { resource } = await container.item('probe', 'p').read();
    return resource === undefined;
  } finally {
    await drop();
  }
}

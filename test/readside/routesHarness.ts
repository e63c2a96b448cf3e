/**
 * An API server with the read side wired in, on in-memory ports: Orders + Inventory, the
 * Orders projections and fulfilment saga, a WebSocketNotifier, the read-side routes and the
 * OpenAPI collector. Tokens come from test/http/harness.ts (tokenFor).
 */
import type { FastifyInstance } from 'fastify';
import { InMemoryEventBus } from '../../runtime/adapters/local/InMemoryEventBus';
import { InMemorySearchIndex } from '../../runtime/adapters/local/InMemorySearchIndex';
import { WebSocketNotifier } from '../../runtime/adapters/local/WebSocketNotifier';
import { ReadSide } from '../../runtime/core/bus';
import type { SagaCoordinator } from '../../runtime/core/sagas';
import { buildServer } from '../../runtime/http/server';
import { readSidePlugins, readSideSetup } from '../../runtime/http/routes/readSide';
import { orderDecider } from '../../examples/orders';
import { inventoryDecider } from '../../examples/orders/inventory/inventory';
import { orderProjections } from '../../examples/orders/projections';
import { fulfilmentSaga } from '../../examples/orders/sagas';
import { coreFixture } from '../core/fixtures';
import { TEST_SECRET } from '../http/harness';

export interface ReadSideServer {
  readonly app: FastifyInstance;
  readonly fx: ReturnType<typeof coreFixture>;
  readonly bus: InMemoryEventBus;
  readonly search: InMemorySearchIndex;
  readonly notifier: WebSocketNotifier;
  readonly readSide: ReadSide;
  close(): Promise<void>;
}

export async function buildReadSideServer(options: { asOfMaxEvents?: number } = {}): Promise<ReadSideServer> {
  const fx = coreFixture({ deciders: [orderDecider, inventoryDecider] });
  const bus = new InMemoryEventBus();
  const search = new InMemorySearchIndex();
  const notifier = new WebSocketNotifier();
  const readSide = new ReadSide(
    { eventStore: fx.eventStore, bus, checkpoints: fx.checkpoints, search, notifier },
    { routing: { noncritical: [] }, projections: orderProjections, sagas: [fulfilmentSaga()], commands: fx.handler, relayPollMs: 2, maxAttempts: 2 },
  );
  const app = buildServer({
    eventStore: fx.eventStore, aggregates: fx.aggregates, commands: fx.handler, snapshotter: fx.snapshotter,
    auth: { hs256Secret: TEST_SECRET },
    setup: readSideSetup,
    plugins: readSidePlugins({
      eventStore: fx.eventStore, snapshots: fx.snapshots, checkpoints: fx.checkpoints, search, bus, notifier, aggregates: fx.aggregates,
      projections: orderProjections, sagas: readSide.sagas as Array<SagaCoordinator<unknown>>, asOfMaxEvents: options.asOfMaxEvents,
    }),
  });
  await app.ready();
  await readSide.start();
  return {
    app, fx, bus, search, notifier, readSide,
    async close() {
      await app.close();
      await readSide.stop();
      await notifier.close();
      await bus.close();
    },
  };
}

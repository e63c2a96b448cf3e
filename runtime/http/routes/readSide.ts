/**
 * The read side's HTTP surface in one call, for the server's composition root:
 * `setup: readSideSetup` (OpenAPI collector, must precede every route) and
 * `plugins: readSidePlugins({...})` (projections, temporal aggregates, sagas, dead letters,
 * and the WebSocket endpoint when the notifier can hold sockets).
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { CheckpointStore } from '../../ports/CheckpointStore';
import type { EventBus } from '../../ports/EventBus';
import type { EventStore } from '../../ports/EventStore';
import type { StoredEvent } from '../../ports/events';
import type { Notifier } from '../../ports/Notifier';
import type { SearchIndex } from '../../ports/SearchIndex';
import type { SnapshotStore } from '../../ports/SnapshotStore';
import type { AggregateRegistry } from '../../core/aggregate';
import type { EventPipeline } from '../../core/pipeline';
import type { ProjectionDefinition } from '../../core/projections';
import type { SagaCoordinator } from '../../core/sagas';
import { readOnlyEventStore } from '../../core/guards';
import { aggregateRoutes } from './aggregates';
import { dlqRoutes } from './dlq';
import { openApiDocs } from './openapi';
import { projectionRoutes } from './projections';
import { sagaRoutes } from './sagas';
import { webSocketRoutes, type WebSocketRouteOptions } from './ws';

export interface ReadSideRouteDeps {
  readonly eventStore: EventStore;
  readonly snapshots?: SnapshotStore;
  readonly checkpoints: CheckpointStore;
  readonly search: SearchIndex;
  readonly bus: EventBus;
  readonly notifier?: Notifier;
  readonly aggregates: AggregateRegistry;
  readonly pipeline?: EventPipeline;
  readonly projections: readonly ProjectionDefinition[];
  readonly sagas: ReadonlyArray<SagaCoordinator<unknown>>;
  /** Max events an `?asOf=` projection query may replay; default 50 000. */
  readonly asOfMaxEvents?: number;
}

export const readSideSetup: ReadonlyArray<(app: FastifyInstance) => Promise<void>> = [openApiDocs];

const canAttach = (n: Notifier | undefined): n is Notifier & WebSocketRouteOptions['notifier'] =>
  typeof (n as { attach?: unknown } | undefined)?.attach === 'function';

/** Binds each route plugin to its dependencies (the server registers plugins without options). */
export function readSidePlugins(d: ReadSideRouteDeps): FastifyPluginAsync[] {
  const bind = <O extends Record<string, unknown>>(plugin: FastifyPluginAsync<O>, options: O): FastifyPluginAsync => async (app) => plugin(app, options);
  const eventStore = readOnlyEventStore(d.eventStore, 'a query handler');
  const plugins: FastifyPluginAsync[] = [
    bind(projectionRoutes, {
      eventStore, search: d.search, checkpoints: d.checkpoints, projections: d.projections, asOfMaxEvents: d.asOfMaxEvents,
      ...(d.pipeline ? { upcast: (events: readonly StoredEvent[]) => d.pipeline!.afterRead(events) } : {}),
    }),
    bind(aggregateRoutes, { eventStore, aggregates: d.aggregates, snapshots: d.snapshots, pipeline: d.pipeline }),
    bind(sagaRoutes, { sagas: d.sagas }),
    bind(dlqRoutes, { bus: d.bus }),
  ];
  const notifier = d.notifier;
  if (canAttach(notifier)) plugins.push(bind(webSocketRoutes, { notifier }));
  return plugins;
}

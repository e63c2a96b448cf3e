/**
 * The local platform in one process — what `npm start` runs and e2e tests start: the runtime
 * from a manifest (default: SQLite files under `.nexus/`), the governed pipeline (schemas/),
 * the Orders domain, command handling with snapshots, the read side (relay, projections, sagas,
 * notifications) and the HTTP API with JWT auth (an HS256 dev secret kept in `.nexus/`).
 */
import { mkdirSync } from 'node:fs';
import type { FastifyInstance, FastifyPluginAsync, FastifyServerOptions } from 'fastify';
import { createRuntime, type RuntimeAdapters } from '../createRuntime';
import { localManifest, type NexusManifest } from '../manifest';
import { AggregateRegistry, type AnyDecider } from '../core/aggregate';
import { CommandHandler } from '../core/commandHandler';
import type { EventPipeline } from '../core/pipeline';
import { Snapshotter, type CoreLogger } from '../core/snapshots';
import { createGovernedPipeline } from '../core/schema/governedPipeline';
import { registryUpcasters } from '../core/schema/upcasters';
import { ReadSide } from '../core/bus/ReadSide';
import { orderDecider } from '../../examples/orders';
import { inventoryDecider } from '../../examples/orders/inventory/inventory';
import { orderProjections } from '../../examples/orders/projections';
import { fulfilmentSaga } from '../../examples/orders/sagas';
import { mintToken, SCOPES } from './auth';
import { devSecret } from './devSecret';
import { buildServer } from './server';
import { readSidePlugins, readSideSetup } from './routes/readSide';
import { registryApiPlugin } from './registry';
import { dashboardPlugin } from './dashboard';
import { startTelemetry, type Telemetry } from '../observability';
import { observeDlqDepth, setCoreLogger } from '../core/observability';

export interface LocalAppOptions {
  /** State directory (created if missing); default ".nexus". */
  readonly dir?: string;
  /** Default: localManifest(dir). */
  readonly manifest?: NexusManifest;
  /** Port to listen on; 0 picks a free one. Default 8080. */
  readonly port?: number;
  /** Default 127.0.0.1 (the dev stack is not exposed to the network). */
  readonly host?: string;
  /** HS256 secret; default: read from (or created in) `<dir>/dev-jwt-secret`. */
  readonly jwtSecret?: string;
  readonly logger?: FastifyServerOptions['logger'];
  /** Run the read side (relay, projections, sagas, notifications); default true. */
  readonly readSide?: boolean;
  /** Extra route plugins (read side, registry, dashboard, ...). */
  readonly plugins?: ReadonlyArray<FastifyPluginAsync>;
  readonly setup?: ReadonlyArray<(app: FastifyInstance) => Promise<void>>;
  /** How often the snapshot time trigger sweeps; default min(maxAgeSeconds / 4, 60) s. */
  readonly sweepEveryMs?: number;
}

export interface LocalApp {
  readonly app: FastifyInstance;
  readonly runtime: RuntimeAdapters;
  readonly aggregates: AggregateRegistry;
  readonly pipeline: EventPipeline;
  readonly commands: CommandHandler;
  readonly snapshotter: Snapshotter;
  readonly readSide: ReadSide | undefined;
  /** e.g. http://127.0.0.1:8080 */
  readonly url: string;
  readonly jwtSecret: string;
  /** A token for tenant "dev" with every scope, valid 24 h. */
  readonly devToken: string;
  /** Traces in memory and the Prometheus reader (dashboard, /metrics, tests). */
  readonly telemetry: Telemetry;
  close(): Promise<void>;
}

export { devSecret };

export const LOCAL_DECIDERS: readonly AnyDecider[] = [orderDecider, inventoryDecider];

export async function startLocalApp(options: LocalAppOptions = {}): Promise<LocalApp> {
  const dir = options.dir ?? '.nexus';
  mkdirSync(dir, { recursive: true });
  const jwtSecret = options.jwtSecret ?? devSecret(dir);
  const manifest = options.manifest ?? localManifest(dir);
  const runtime = await createRuntime(manifest);
  const telemetry = startTelemetry(manifest);
  const stopDlqGauge = observeDlqDepth(runtime.bus);
  let app: FastifyInstance | undefined;
  let sweeper: NodeJS.Timeout | undefined;
  let readSide: ReadSide | undefined;
  try {
    const log: CoreLogger = { error: (obj, msg) => (app ? app.log.error(obj, msg) : console.error(msg, obj)) };
    const pipeline = createGovernedPipeline({ registry: runtime.registry, upcasters: await registryUpcasters(runtime.registry, [], { eventTypes: LOCAL_DECIDERS.flatMap((d) => [...d.eventTypes]) }) });
    const aggregates = new AggregateRegistry(LOCAL_DECIDERS);
    const { eventStore, snapshots, checkpoints, idempotency, bus, search, notifier } = runtime;
    const snapshotter = new Snapshotter({ eventStore, snapshots, checkpoints, aggregates, pipeline, clock: runtime.clock, logger: log }, manifest.snapshots);
    // Hot aggregates' state kept in memory: a command reads only the events after it instead of
    // a snapshot plus a tail of up to everyNEvents events to fold (e.g. a busy Inventory SKU).
    const commands = new CommandHandler({ eventStore, snapshots, idempotency, aggregates, pipeline, snapshotter, ids: runtime.ids, stateCacheSize: 10_000 });
    if (options.readSide !== false) {
      readSide = new ReadSide({ eventStore, bus, checkpoints, search, notifier }, {
        routing: manifest.routing,
        projections: orderProjections,
        sagas: [fulfilmentSaga()],
        commands,
        pipeline,
        upcast: (events) => pipeline.afterRead(events),
        onError: (where, err) => log.error({ err }, `read side: ${where} failed`),
      });
    }
    app = buildServer({
      eventStore, aggregates, commands, pipeline, snapshotter, runtime,
      auth: { hs256Secret: jwtSecret },
      logger: options.logger,
      setup: [...readSideSetup, ...(options.setup ?? [])],
      plugins: [
        registryApiPlugin(runtime.registry),
        ...readSidePlugins({
          eventStore, snapshots, checkpoints, search, bus, notifier, aggregates, pipeline, projections: orderProjections, sagas: readSide?.sagas ?? [],
        }),
        dashboardPlugin({ eventStore, checkpoints, readSide: () => readSide, traces: telemetry.traces, prometheus: telemetry.prometheus }),
        ...(options.plugins ?? []),
      ],
      readiness: [{ name: 'schemaRegistry', check: async () => void (await runtime.registry.subjects()) }],
    });
    await app.ready();
    setCoreLogger(app.log);
    await readSide?.start();
    const address = await app.listen({ port: options.port ?? 8080, host: options.host ?? '127.0.0.1' });
    const sweepMs = options.sweepEveryMs ?? Math.min((manifest.snapshots.maxAgeSeconds * 1000) / 4, 60_000);
    sweeper = setInterval(() => void snapshotter.sweep().catch((err: unknown) => log.error({ err }, 'snapshot sweep failed')), sweepMs);
    sweeper.unref();
    const devToken = await mintToken(jwtSecret, { tenant: 'dev', scopes: [...SCOPES], subject: 'developer', expiresIn: '24h' });
    const server = app;
    let closed: Promise<void> | undefined;
    return {
      app: server, runtime, aggregates, pipeline, commands, snapshotter, readSide, url: address, jwtSecret, devToken, telemetry,
      close: () => (closed ??= (async () => {
        clearInterval(sweeper);
        await server.close();
        await readSide?.stop();
        await snapshotter.idle();
        await runtime.close();
        stopDlqGauge();
        await telemetry.release();
      })()),
    };
  } catch (err) {
    clearInterval(sweeper);
    await app?.close().catch(() => undefined);
    await readSide?.stop().catch(() => undefined);
    await runtime.close().catch(() => undefined);
    stopDlqGauge();
    await telemetry.release();
    throw err;
  }
}

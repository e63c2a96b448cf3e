/**
 * The handlers every cloud entry point shares: one NexusApp per process, built from the
 * manifest the deployment injected (NEXUS_MANIFEST). The manifest is validated at construction
 * (a bad one fails the cold start naming the path); adapters are created lazily on first use.
 * Entry points (aws-lambda, gcp-cloudrun, azure-functions, local) only translate their
 * platform's events into these calls. The domain served is the Orders example for now.
 */
import type { FastifyInstance } from 'fastify';
import { createRuntime, type RuntimeAdapters } from '../createRuntime';
import type { NexusManifest } from '../manifest';
import { parseManifest } from '../manifestValidation';
import { InvalidArgumentError } from '../ports/errors';
import type { CloudEventEnvelope, StoredEvent } from '../ports';
import { AggregateRegistry } from '../core/aggregate';
import { CommandHandler } from '../core/commandHandler';
import type { EventPipeline } from '../core/pipeline';
import { Snapshotter } from '../core/snapshots';
import { OutboxRelay, fromEnvelope } from '../core/relay';
import { ProjectionEngine, ensureIndex, indexDefinitionOf, type ProjectionDefinition } from '../core/projections';
import { SagaCoordinator, type SagaDefinition } from '../core/sagas';
import { sagaInstanceStore } from '../core/guards';
import { createGovernedPipeline } from '../core/schema/governedPipeline';
import { registryUpcasters } from '../core/schema/upcasters';
import { buildServer } from '../http/server';
import { registryApiPlugin } from '../http/registry';
import type { AuthConfig } from '../http/auth';
import { LOCAL_DECIDERS } from '../http/localApp';
import { createLogger, startTelemetry } from '../observability';
import { setCoreLogger } from '../core/observability';
import { orderProjections } from '../../examples/orders/projections';
import { fulfilmentSaga } from '../../examples/orders/sagas';

export interface HttpRequest {
  readonly method: string;
  /** Path plus query string. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body?: string;
}

export interface HttpResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface NexusAppOptions {
  /** The manifest as injected (JSON text); required. */
  readonly manifestJson: string | undefined;
  /** Secrets by name (resolved by the entry point). */
  readonly secrets?: Readonly<Record<string, string | undefined>>;
  /** JWT verification for the API; required before the first HTTP request. */
  readonly auth?: AuthConfig;
  /** Projections this process maintains; default the Orders example's. */
  readonly projections?: readonly ProjectionDefinition[];
  /** Sagas this process runs; default the Orders fulfilment saga. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- sagas of any state shape
  readonly sagas?: ReadonlyArray<SagaDefinition<any>>;
}

/** What every handler runs on: the same composition as the local platform (runtime/http/localApp.ts). */
interface Core {
  readonly rt: RuntimeAdapters;
  /** The process-wide OpenTelemetry registration this app holds (released on close). */
  readonly telemetry: { release(): Promise<void> };
  readonly pipeline: EventPipeline;
  readonly aggregates: AggregateRegistry;
  readonly snapshotter: Snapshotter;
  readonly commands: CommandHandler;
}

/** Saga groups issue commands; every other consumer group maintains projections (same rule as the AWS grants). */
export const isSagaGroup = (group: string): boolean => /saga/.test(group);

/** Reads the manifest from configuration; throws naming the variable when it is missing. */
export function manifestJsonFrom(env: Readonly<Record<string, string | undefined>>, name = 'NEXUS_MANIFEST'): string {
  const v = env[name];
  if (!v) throw new InvalidArgumentError(name, 'is not set: the deployment must inject the stack manifest (JSON) as configuration');
  return v;
}

/** JWT settings from configuration (NEXUS_JWKS_URL or the NEXUS_JWT_SECRET secret, plus issuer/audience). */
export function authFrom(env: Readonly<Record<string, string | undefined>>): AuthConfig | undefined {
  const base = {
    ...(env.NEXUS_JWT_ISSUER ? { issuer: env.NEXUS_JWT_ISSUER } : {}),
    ...(env.NEXUS_JWT_AUDIENCE ? { audience: env.NEXUS_JWT_AUDIENCE } : {}),
  };
  if (env.NEXUS_JWKS_URL) return { ...base, jwksUrl: env.NEXUS_JWKS_URL };
  if (env.NEXUS_JWT_SECRET) return { ...base, hs256Secret: env.NEXUS_JWT_SECRET };
  return undefined;
}

export class NexusApp {
  readonly manifest: NexusManifest;
  private corePromise: Promise<Core> | undefined;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- sagas of any state shape
  private sagaCoordinatorsPromise: Promise<Array<SagaCoordinator<any>>> | undefined;
  /** Where coordinator errors go: the failure lists of the sagaTimeouts() runs in progress. */
  private readonly sagaErrorSinks = new Set<(err: unknown) => void>();
  private serverPromise: Promise<FastifyInstance> | undefined;

  constructor(private readonly options: NexusAppOptions) {
    this.manifest = parseManifest(options.manifestJson ?? '');
  }

  /** Adapters, governed pipeline (schemas + upcasters from the registry), deciders, snapshots, commands. */
  private core(): Promise<Core> {
    this.corePromise ??= (async () => {
      // Traces and metrics over OTLP when the manifest names an endpoint; JSON logs with flow ids (docs/observability.md).
      const telemetry = startTelemetry(this.manifest);
      setCoreLogger(createLogger(this.manifest));
      const rt = await createRuntime(this.manifest, { secrets: this.options.secrets ?? {} });
      const pipeline = createGovernedPipeline({ registry: rt.registry, upcasters: await registryUpcasters(rt.registry, [], { eventTypes: LOCAL_DECIDERS.flatMap((d) => [...d.eventTypes]) }) });
      const aggregates = new AggregateRegistry(LOCAL_DECIDERS);
      const { eventStore, snapshots, checkpoints, idempotency } = rt;
      const snapshotter = new Snapshotter({ eventStore, snapshots, checkpoints, aggregates, pipeline, clock: rt.clock }, this.manifest.snapshots);
      const commands = new CommandHandler({ eventStore, snapshots, idempotency, aggregates, pipeline, snapshotter, ids: rt.ids });
      return { rt, telemetry, pipeline, aggregates, snapshotter, commands };
    })();
    return this.corePromise;
  }

  async runtime(): Promise<RuntimeAdapters> {
    return (await this.core()).rt;
  }

  private server(): Promise<FastifyInstance> {
    this.serverPromise ??= (async () => {
      const auth = this.options.auth;
      if (!auth) throw new InvalidArgumentError('NEXUS_JWKS_URL', 'the API needs NEXUS_JWKS_URL or the NEXUS_JWT_SECRET secret to verify tokens');
      const { rt, pipeline, aggregates, snapshotter, commands } = await this.core();
      const app = buildServer({
        eventStore: rt.eventStore, aggregates, commands, pipeline, snapshotter, runtime: rt, auth,
        plugins: [registryApiPlugin(rt.registry)],
        readiness: [{ name: 'schemaRegistry', check: async () => void (await rt.registry.subjects()) }],
      });
      await app.ready();
      return app;
    })();
    return this.serverPromise;
  }

  /** One HTTP request through the API (Fastify inject: the same routes as the local server). */
  async http(req: HttpRequest): Promise<HttpResponse> {
    const app = await this.server();
    const res = await app.inject({
      method: req.method as 'GET',
      url: req.url,
      headers: Object.fromEntries(Object.entries(req.headers).filter((e): e is [string, string] => e[1] !== undefined)),
      ...(req.body !== undefined ? { payload: req.body } : {}),
    });
    const headers = Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)]));
    return { statusCode: res.statusCode, headers, body: res.body };
  }

  /**
   * The relay, triggered by the store's change feed (DynamoDB Streams, Eventarc, Cosmos change
   * feed): the trigger is a doorbell; events are read from the checkpointed global log, so order
   * and completeness do not depend on how the trigger batches (ADR 0047). Returns the number published.
   */
  async relay(): Promise<number> {
    const { rt } = await this.core();
    const relay = new OutboxRelay({ store: rt.eventStore, checkpoints: rt.checkpoints, bus: rt.bus, routing: this.manifest.routing });
    return relay.drain();
  }

  /** The snapshot scheduler: snapshots streams whose unsnapshotted events are older than maxAgeSeconds. */
  async snapshots(now?: Date): Promise<number> {
    return (await this.core()).snapshotter.sweep(now);
  }

  /** Delivered bus envelopes for one consumer group: saga groups run the sagas, others the projections. */
  async consume(group: string, envelopes: readonly CloudEventEnvelope[]): Promise<number> {
    return isSagaGroup(group) ? this.runSagas(envelopes) : this.project(envelopes);
  }

  /** Applies delivered envelopes to every projection (ensureIndex, apply, flush). */
  async project(envelopes: readonly CloudEventEnvelope[]): Promise<number> {
    const { rt, pipeline } = await this.core();
    const events: StoredEvent[] = envelopes.map(fromEnvelope);
    // Handlers see every event at the latest version of its type (ADR 0127), as in the local read side.
    const upcast = (batch: readonly StoredEvent[]): StoredEvent[] => pipeline.afterRead(batch);
    for (const p of this.options.projections ?? orderProjections) {
      const index = await ensureIndex(rt.search, rt.checkpoints, p.name, indexDefinitionOf(p));
      const engine = new ProjectionEngine(p, rt.search, rt.eventStore, index, { upcast });
      for (const e of events) await engine.apply(e);
      await engine.flush();
    }
    return events.length;
  }

  /**
   * Feeds delivered events to the sagas that handle them (SagaCoordinator.handleEvent, the same
   * rule as a bus subscription). Saga timeouts are fired by sagaTimeouts(), from the scheduler.
   */
  async runSagas(envelopes: readonly CloudEventEnvelope[]): Promise<number> {
    const events = envelopes.map(fromEnvelope);
    let handled = 0;
    for (const saga of await this.sagaCoordinators()) {
      for (const event of events) if (await saga.handleEvent(event)) handled++;
    }
    return handled;
  }

  /**
   * The saga timeout scheduler (EventBridge rule / Cloud Scheduler job / timer trigger, every
   * minute): fires every saga timeout due by `now` and returns how many fired. Same coordinator
   * code as the local poller, so a timeout fires once per due entry (its input id is recorded).
   */
  async sagaTimeouts(): Promise<number> {
    const failures: unknown[] = [];
    const sink = (err: unknown): void => void failures.push(err);
    this.sagaErrorSinks.add(sink);
    let fired = 0;
    try {
      for (const saga of await this.sagaCoordinators()) fired += await saga.fireDueTimeouts();
    } finally {
      this.sagaErrorSinks.delete(sink);
    }
    // Failed instances stay due; throwing makes the scheduler retry (and dead-letter) the run.
    if (failures.length > 0) throw new AggregateError(failures, `saga timeouts: ${fired} fired, ${failures.length} failed: ${failures.map((e) => (e as Error).message).join('; ')}`);
    return fired;
  }

  /**
   * One coordinator per saga over the guarded instance store, the governed pipeline and the
   * command handler, built once per process (a warm function reuses them across invocations).
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- sagas of any state shape
  private async sagaCoordinators(): Promise<Array<SagaCoordinator<any>>> {
    this.sagaCoordinatorsPromise ??= this.core().then(({ rt, commands, pipeline }) => (this.options.sagas ?? [fulfilmentSaga()]).map((definition) => new SagaCoordinator(definition, {
      store: sagaInstanceStore(rt.eventStore, definition.name), bus: rt.bus, checkpoints: rt.checkpoints, commands, routing: this.manifest.routing, pipeline,
      onError: (err) => {
        for (const sink of this.sagaErrorSinks) sink(err);
      },
    })));
    return this.sagaCoordinatorsPromise;
  }

  async close(): Promise<void> {
    const server = await this.serverPromise?.catch(() => undefined);
    await server?.close();
    const core = await this.corePromise?.catch(() => undefined);
    await core?.snapshotter.idle();
    await core?.rt.close();
    await core?.telemetry.release();
  }
}

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
import { Snapshotter } from '../core/snapshots';
import { OutboxRelay, fromEnvelope } from '../core/relay';
import { ProjectionEngine, ensureIndex, indexDefinitionOf, type ProjectionDefinition } from '../core/projections';
import { buildServer } from '../http/server';
import type { AuthConfig } from '../http/auth';
import { orderDecider } from '../../examples/orders';
import { orderProjections } from '../../examples/orders/projections';

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
}

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
  private runtimePromise: Promise<RuntimeAdapters> | undefined;
  private serverPromise: Promise<FastifyInstance> | undefined;
  private readonly aggregates = new AggregateRegistry([orderDecider]);

  constructor(private readonly options: NexusAppOptions) {
    this.manifest = parseManifest(options.manifestJson ?? '');
  }

  runtime(): Promise<RuntimeAdapters> {
    this.runtimePromise ??= createRuntime(this.manifest, { secrets: this.options.secrets ?? {} });
    return this.runtimePromise;
  }

  private server(): Promise<FastifyInstance> {
    this.serverPromise ??= (async () => {
      const auth = this.options.auth;
      if (!auth) throw new InvalidArgumentError('NEXUS_JWKS_URL', 'the API needs NEXUS_JWKS_URL or the NEXUS_JWT_SECRET secret to verify tokens');
      const rt = await this.runtime();
      const snapshotter = this.snapshotter(rt);
      const commands = new CommandHandler({
        eventStore: rt.eventStore, snapshots: rt.snapshots, idempotency: rt.idempotency, aggregates: this.aggregates, ids: rt.ids, snapshotter,
      });
      const app = buildServer({ eventStore: rt.eventStore, aggregates: this.aggregates, commands, snapshotter, runtime: rt, auth });
      await app.ready();
      return app;
    })();
    return this.serverPromise;
  }

  private snapshotter(rt: RuntimeAdapters): Snapshotter {
    return new Snapshotter(
      { eventStore: rt.eventStore, snapshots: rt.snapshots, aggregates: this.aggregates, checkpoints: rt.checkpoints, clock: rt.clock },
      this.manifest.snapshots,
    );
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
   * and completeness do not depend on how the trigger batches. Returns the number published.
   */
  async relay(): Promise<number> {
    const rt = await this.runtime();
    const relay = new OutboxRelay({ store: rt.eventStore, checkpoints: rt.checkpoints, bus: rt.bus, routing: this.manifest.routing });
    return relay.drain();
  }

  /** The snapshot scheduler: snapshots streams whose unsnapshotted events are older than maxAgeSeconds. */
  async snapshots(now?: Date): Promise<number> {
    const rt = await this.runtime();
    return this.snapshotter(rt).sweep(now);
  }

  /** Applies delivered bus envelopes to every projection (ensureIndex, apply, flush). */
  async project(envelopes: readonly CloudEventEnvelope[]): Promise<number> {
    const rt = await this.runtime();
    const events: StoredEvent[] = envelopes.map(fromEnvelope);
    for (const p of this.options.projections ?? orderProjections) {
      const index = await ensureIndex(rt.search, rt.checkpoints, p.name, indexDefinitionOf(p));
      const engine = new ProjectionEngine(p, rt.search, rt.eventStore, index);
      for (const e of events) await engine.apply(e);
      await engine.flush();
    }
    return events.length;
  }

  async close(): Promise<void> {
    const server = await this.serverPromise?.catch(() => undefined);
    await server?.close();
    const rt = await this.runtimePromise?.catch(() => undefined);
    await rt?.close();
  }
}

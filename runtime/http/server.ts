/**
 * The Nexus HTTP API as a Fastify instance: JSON errors with stable codes (errors.ts), default-deny
 * JWT auth with per-route scopes and tenant scoping (auth.ts), and one plugin per area under
 * routes/. Other areas add their plugins through `deps.plugins` (or a line in `areaPlugins`), and
 * reach the runtime's ports through `app.nexus`.
 */
import Fastify, { type FastifyInstance, type FastifyPluginAsync, type FastifyServerOptions } from 'fastify';
import type { EventStore } from '../ports/EventStore';
import type { RuntimeAdapters } from '../createRuntime';
import type { AggregateRegistry } from '../core/aggregate';
import type { CommandHandler } from '../core/commandHandler';
import type { EventPipeline } from '../core/pipeline';
import type { Snapshotter } from '../core/snapshots';
import { createVerifier, installAuth, type AuthConfig, type AuthContext, type TokenVerifier } from './auth';
import { installErrorHandler } from './errors';
import { commandRoutes } from './routes/commands';
import { healthRoutes, type ReadinessCheck } from './routes/health';
import { streamRoutes } from './routes/streams';
import { readOnlyEventStore } from '../core/guards';

/** Default max request body: an append is at most 1 MiB of events (runtime/ports/limits.ts). */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

export interface ServerDeps {
  readonly eventStore: EventStore;
  readonly aggregates: AggregateRegistry;
  readonly commands: CommandHandler;
  readonly pipeline?: EventPipeline;
  readonly snapshotter?: Snapshotter;
  /** The full runtime when there is one (other areas' routes use its bus, search, notifier, ...). */
  readonly runtime?: RuntimeAdapters;
  /** JWT verification config, or a ready verifier (tests). */
  readonly auth: AuthConfig | { readonly verify: TokenVerifier };
  /** Extra readiness checks; the event store is always checked. */
  readonly readiness?: readonly ReadinessCheck[];
  /**
   * Root-level setup run before any route is registered, NOT encapsulated (e.g. openApiDocs,
   * which must see every route as it is added).
   */
  readonly setup?: ReadonlyArray<(app: FastifyInstance) => Promise<void>>;
  /** Route plugins of other areas, registered after the built-in ones. */
  readonly plugins?: ReadonlyArray<FastifyPluginAsync>;
  readonly bodyLimit?: number;
  /** Fastify logger option; default off (tests), main.ts turns it on. */
  readonly logger?: FastifyServerOptions['logger'];
}

declare module 'fastify' {
  interface FastifyInstance {
    /** What the server was built from: route plugins of every area read their ports here. */
    nexus: ServerDeps;
  }
}

export function buildServer(deps: ServerDeps): FastifyInstance {
  const app = Fastify({
    logger: deps.logger ?? false,
    bodyLimit: deps.bodyLimit ?? DEFAULT_BODY_LIMIT,
    // Request validation errors go through our error handler with the field named.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
  });
  app.decorate('nexus', deps);
  for (const setup of deps.setup ?? []) void app.register(unencapsulated(setup));
  installErrorHandler(app);
  installAuth(app, 'verify' in deps.auth ? deps.auth.verify : deps.auth.hs256Secret ? rememberVerified(createVerifier(deps.auth)) : createVerifier(deps.auth));

  const eventStoreCheck: ReadinessCheck = {
    name: 'eventStore',
    check: async () => {
      await deps.eventStore.streamInfo('nexus:readiness-probe');
    },
  };
  void app.register(healthRoutes, { checks: [eventStoreCheck, ...(deps.readiness ?? [])] });
  void app.register(commandRoutes, { commands: deps.commands, aggregates: deps.aggregates });
  void app.register(streamRoutes, { eventStore: readOnlyEventStore(deps.eventStore, 'the stream query handler'), pipeline: deps.pipeline });
  for (const plugin of deps.plugins ?? []) void app.register(plugin);
  return app;
}

/** Tokens verified at most this long ago are not verified again (HS256 only). */
const VERIFIED_TTL_MS = 60_000;
const VERIFIED_MAX = 1_000;

/**
 * Remembers tokens that passed verification (keyed by the exact token string) until the earlier
 * of their `exp` and VERIFIED_TTL_MS, so a client sending the same bearer token on every request
 * pays the HS256 check once a minute instead of every time (~0.7 ms of the event loop each under
 * load). Only for a shared secret: it cannot be rotated under a running process, unlike a JWKS key
 * set. Failures are never remembered; `exp` is honoured without the clock tolerance (a token near
 * its expiry is simply verified again).
 */
export function rememberVerified(verify: TokenVerifier, now: () => number = Date.now): TokenVerifier {
  const verified = new Map<string, { readonly auth: AuthContext; readonly until: number }>();
  return async (token) => {
    const t = now();
    const hit = verified.get(token);
    if (hit && hit.until > t) return hit.auth;
    verified.delete(token);
    const auth = await verify(token);
    const until = Math.min(t + VERIFIED_TTL_MS, expiryMs(token) ?? Number.POSITIVE_INFINITY);
    if (until > t) {
      verified.set(token, { auth, until });
      if (verified.size > VERIFIED_MAX) verified.delete(verified.keys().next().value!);
    }
    return auth;
  };
}

/** The token's `exp` in ms (it was verified, so its payload is well-formed JSON), if it has one. */
function expiryMs(token: string): number | undefined {
  try {
    const exp = (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp * 1000 : undefined;
  } catch {
    return 0;
  }
}

/** Marks a plugin like fastify-plugin does, so it applies to the root instance. */
function unencapsulated(fn: (app: FastifyInstance) => Promise<void>): FastifyPluginAsync {
  const plugin: FastifyPluginAsync = async (instance) => fn(instance);
  (plugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
  return plugin;
}

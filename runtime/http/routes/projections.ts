/**
 * Read-model routes (tenant-scoped, scope queries:read):
 *   GET  /projections                       the projections and their current index
 *   GET  /projections/:name/query           filters, sort, cursor paging, text (projectionsQuery.ts)
 *        ?asOf=<ISO time>                   also temporal:read — rebuilt into a temporary index up to
 *                                           then, bounded: 422 RANGE_TOO_LARGE past maxEvents
 *   POST /projections/:name/rebuild         admin — rebuild the caller's tenant's documents in place
 *                                           (other tenants untouched; the full rebuild + swap is the CLI's)
 */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { InvalidArgumentError, NotFoundError } from '../../ports/errors';
import { isInvalidQueryError } from '../../ports/SearchIndex';
import type { SearchIndex } from '../../ports/SearchIndex';
import type { CheckpointStore } from '../../ports/CheckpointStore';
import type { EventStore } from '../../ports/EventStore';
import { ensureIndex, indexDefinitionOf, rebuildProjection, rebuildTenant, type ProjectionDefinition, type RangeTooLargeError, type Upcast } from '../../core/projections';
import { requireScopes } from '../auth';
import { documented, errorResponses } from './schemas';
import { parseProjectionQuery, publicDocument } from './projectionsQuery';

export interface ProjectionRouteOptions {
  readonly eventStore: EventStore;
  readonly search: SearchIndex;
  readonly checkpoints: CheckpointStore;
  readonly projections: readonly ProjectionDefinition[];
  /** Max events an `?asOf=` query may replay; default 50 000. */
  readonly asOfMaxEvents?: number;
  /** Upcasts events replayed by asOf queries and rebuilds (the governed pipeline's afterRead); default none. */
  readonly upcast?: Upcast;
}

const pageSchema = {
  type: 'object',
  properties: {
    projection: { type: 'string' },
    items: { type: 'array', items: { type: 'object', additionalProperties: true } },
    total: { type: 'integer' },
    nextCursor: { type: 'string' },
    asOf: { type: 'string' },
  },
} as const;

export function sendRangeTooLarge(reply: FastifyReply, err: RangeTooLargeError): FastifyReply {
  return reply.status(422).send({ statusCode: 422, code: err.code, error: 'Unprocessable Entity', message: err.message, field: 'asOf', limit: err.limit });
}

const isRangeTooLarge = (e: unknown): e is RangeTooLargeError => (e as { code?: unknown })?.code === 'RANGE_TOO_LARGE';

export const projectionRoutes: FastifyPluginAsync<ProjectionRouteOptions> = async (app, o) => {
  const deps = { store: o.eventStore, search: o.search, checkpoints: o.checkpoints, upcast: o.upcast };
  const find = (name: string): ProjectionDefinition => {
    const def = o.projections.find((p) => p.name === name);
    if (!def) throw new NotFoundError('projection', `${name} (known: ${o.projections.map((p) => p.name).join(', ')})`);
    return def;
  };

  app.get('/projections', {
    config: { scopes: ['queries:read'] },
    schema: documented({ tags: ['projections'], summary: 'List the projections (read models) and their fields' }, {
      response: { 200: { type: 'object', properties: { projections: { type: 'array', items: { type: 'object', additionalProperties: true } } } }, ...errorResponses(401, 403) },
    }),
  }, async () => ({
    projections: o.projections.map((p) => ({ name: p.name, fields: p.index.fields.map((f) => ({ name: f.name, type: f.type })), eventTypes: Object.keys(p.handlers) })),
  }));

  app.get<{ Params: { name: string }; Querystring: Record<string, unknown> }>('/projections/:name/query', {
    config: { scopes: ['queries:read'] },
    schema: documented({ tags: ['projections'], summary: 'Query a read model: filters (field, field.op), sort, cursor paging, text; asOf rebuilds it as of a time' }, {
      params: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
      querystring: {
        type: 'object',
        additionalProperties: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
        properties: {
          q: { type: 'string', description: 'Text match; the last term matches as a prefix' },
          sort: { type: 'string', description: 'Comma-separated fields, "-" prefix for descending' },
          limit: { type: 'integer', minimum: 1, maximum: 1000 },
          cursor: { type: 'string' },
          asOf: { type: 'string', description: 'ISO-8601 time: query the projection as it was then (temporal:read)' },
        },
      },
      response: { 200: pageSchema, ...errorResponses(400, 401, 403, 404, 422) },
    }),
  }, async (request, reply) => {
    const def = find(request.params.name);
    const tenant = request.auth.tenant;
    const query = parseProjectionQuery(def, tenant, request.query);
    let index: string;
    let temporary: string | undefined;
    const asOf = request.query.asOf;
    if (typeof asOf === 'string') {
      requireScopes(request.auth, ['temporal:read']);
      const at = new Date(asOf);
      if (Number.isNaN(at.getTime())) throw new InvalidArgumentError('asOf', `"${asOf}" is not an ISO-8601 time`);
      try {
        const built = await rebuildProjection(def, deps, { swap: false, asOf: at, tenant, maxEvents: o.asOfMaxEvents ?? 50_000 });
        index = temporary = built.index;
      } catch (err) {
        if (isRangeTooLarge(err)) return sendRangeTooLarge(reply, err);
        throw err;
      }
    } else {
      index = await ensureIndex(o.search, o.checkpoints, def.name, indexDefinitionOf(def));
    }
    try {
      const page = await o.search.query(index, query);
      return {
        projection: def.name, items: page.items.map((d) => publicDocument(d, tenant)), total: page.total,
        ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}), ...(typeof asOf === 'string' ? { asOf } : {}),
      };
    } catch (err) {
      if (isInvalidQueryError(err)) throw new InvalidArgumentError(err.message.split(':')[0]!.replace(/^(filter|sort) /, ''), err.message);
      throw err;
    } finally {
      if (temporary) await o.search.dropIndex(temporary).catch(() => undefined);
    }
  });

  app.post<{ Params: { name: string } }>('/projections/:name/rebuild', {
    config: { scopes: ['admin'] },
    schema: documented({
      tags: ['projections'],
      summary: "Rebuild the caller's tenant's documents of a projection from the event store, in place (admin); other tenants' documents are untouched",
    }, {
      params: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
      response: { 200: { type: 'object', additionalProperties: true }, ...errorResponses(401, 403, 404) },
    }),
  }, async (request) => {
    // A tenant admin rebuilds their own tenant (ADR 0128); the full rebuild-and-swap is the operator's CLI.
    const r = await rebuildTenant(find(request.params.name), deps, { tenant: request.auth.tenant });
    return {
      projection: request.params.name, tenant: r.tenant, index: r.index, events: r.read, applied: r.applied, poisoned: r.poisoned,
      upserted: r.upserted, removed: r.removed, caughtUp: r.caughtUp, repaired: r.repaired, unsettled: r.unsettled, superseded: r.superseded, durationMs: r.durationMs,
    };
  });
};

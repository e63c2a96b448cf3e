/**
 * Dead-letter admin routes (scope admin), limited to the caller's tenant (the tenant of each
 * dead letter is its envelope's `tenant` extension):
 *   GET    /admin/dlq?group=&limit=     list          GET  /admin/dlq/:id   one, with the envelope
 *   POST   /admin/dlq/redrive {ids}     idempotent    POST /admin/dlq/purge {ids?}
 */
import type { FastifyPluginAsync } from 'fastify';
import type { DeadLetter, EventBus } from '../../ports/EventBus';
import { NotFoundError } from '../../ports/errors';
import { documented, errorResponses } from './schemas';

export interface DlqRouteOptions {
  readonly bus: EventBus;
}

/** Max dead letters scanned per request when filtering by tenant. */
const SCAN = 10_000;
const tenantOf = (d: DeadLetter): unknown => d.message.envelope.tenant;
const idsBody = { type: 'object', additionalProperties: false, properties: { ids: { type: 'array', maxItems: 1000, items: { type: 'string', minLength: 1 } } } } as const;

export const dlqRoutes: FastifyPluginAsync<DlqRouteOptions> = async (app, { bus }) => {
  const mine = async (tenant: string, group?: string): Promise<DeadLetter[]> =>
    (await bus.deadLetters.list({ group, limit: SCAN })).filter((d) => tenantOf(d) === tenant);
  const owned = async (tenant: string, ids: readonly string[]): Promise<string[]> => {
    const out: string[] = [];
    for (const id of ids) {
      const d = await bus.deadLetters.get(id);
      if (d && tenantOf(d) === tenant) out.push(id);
    }
    return out;
  };

  app.get<{ Querystring: { group?: string; limit?: number } }>('/admin/dlq', {
    config: { scopes: ['admin'] },
    schema: documented({ tags: ['dead letters'], summary: 'List dead letters of the caller\'s tenant' }, {
      querystring: { type: 'object', additionalProperties: false, properties: { group: { type: 'string' }, limit: { type: 'integer', minimum: 1, maximum: 1000 } } },
      response: { 200: { type: 'object', additionalProperties: true }, ...errorResponses(400, 401, 403) },
    }),
  }, async (request) => {
    const all = await mine(request.auth.tenant, request.query.group);
    const limit = request.query.limit ?? 100;
    return { total: all.length, items: all.slice(0, limit).map((d) => ({ id: d.id, group: d.group, attempts: d.attempts, error: d.error, deadLetteredAt: d.deadLetteredAt, type: d.message.envelope.type, subject: d.message.envelope.subject })) };
  });

  app.get<{ Params: { id: string } }>('/admin/dlq/:id', {
    config: { scopes: ['admin'] },
    schema: documented({ tags: ['dead letters'], summary: 'One dead letter with its error, attempts and original envelope' }, {
      params: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
      response: { 200: { type: 'object', additionalProperties: true }, ...errorResponses(401, 403, 404) },
    }),
  }, async (request) => {
    const d = await bus.deadLetters.get(request.params.id);
    if (!d || tenantOf(d) !== request.auth.tenant) throw new NotFoundError('dead letter', request.params.id);
    return d;
  });

  app.post<{ Body: { ids?: string[] } }>('/admin/dlq/redrive', {
    config: { scopes: ['admin'] },
    schema: documented({ tags: ['dead letters'], summary: 'Redeliver dead letters to their group (idempotent; all of the tenant\'s when ids is absent)' }, {
      body: idsBody,
      response: { 200: { type: 'object', properties: { redriven: { type: 'integer' } } }, ...errorResponses(400, 401, 403) },
    }),
  }, async (request) => {
    const tenant = request.auth.tenant;
    const ids = request.body?.ids ? await owned(tenant, request.body.ids) : (await mine(tenant)).map((d) => d.id);
    return { redriven: await bus.deadLetters.redrive(ids) };
  });

  app.post<{ Body: { ids?: string[] } }>('/admin/dlq/purge', {
    config: { scopes: ['admin'] },
    schema: documented({ tags: ['dead letters'], summary: 'Delete dead letters (all of the tenant\'s when ids is absent)' }, {
      body: idsBody,
      response: { 200: { type: 'object', properties: { purged: { type: 'integer' } } }, ...errorResponses(400, 401, 403) },
    }),
  }, async (request) => {
    const tenant = request.auth.tenant;
    const ids = request.body?.ids ? await owned(tenant, request.body.ids) : (await mine(tenant)).map((d) => d.id);
    return { purged: await bus.deadLetters.purge(ids) };
  });
};

/**
 * Dead-letter admin routes (scope admin), limited to the caller's tenant (the tenant of each
 * dead letter is its envelope's `tenant` extension), which the dead-letter queue filters on
 * itself (ADR 0134): a tenant never pages through other tenants' dead letters.
 *   GET    /admin/dlq?group=&limit=&cursor=   a page, the tenant's total, nextCursor while more
 *   GET    /admin/dlq/:id                     one, with the envelope
 *   POST   /admin/dlq/redrive {ids?, group?}  idempotent; without ids: all of the tenant's (of group)
 *   POST   /admin/dlq/purge   {ids?, group?}  without ids: all of the tenant's (of group)
 */
import type { FastifyPluginAsync } from 'fastify';
import type { DeadLetter, EventBus } from '../../ports/EventBus';
import { decodeDeadLetterCursor, encodeDeadLetterCursor, tenantOfDeadLetter } from '../../ports/deadLetters';
import { NotFoundError } from '../../ports/errors';
import { redriveMatching } from '../../core/redriveMatching';
import { documented, errorResponses } from './schemas';

export interface DlqRouteOptions {
  readonly bus: EventBus;
}

const bulkBody = {
  type: 'object', additionalProperties: false,
  properties: {
    ids: { type: 'array', maxItems: 1000, items: { type: 'string', minLength: 1 }, description: 'These dead letters (others\' are skipped); absent: all of the tenant\'s' },
    group: { type: 'string', minLength: 1, description: 'Without ids: only this consumer group\'s' },
  },
} as const;

const summary = (d: DeadLetter): Record<string, unknown> => ({
  id: d.id, group: d.group, attempts: d.attempts, error: d.error, deadLetteredAt: d.deadLetteredAt, type: d.message.envelope.type, subject: d.message.envelope.subject,
});

export const dlqRoutes: FastifyPluginAsync<DlqRouteOptions> = async (app, { bus }) => {
  const dlq = bus.deadLetters;
  const owned = async (tenant: string, ids: readonly string[]): Promise<string[]> => {
    const out: string[] = [];
    for (const id of new Set(ids)) {
      const d = await dlq.get(id);
      if (d && tenantOfDeadLetter(d) === tenant) out.push(id);
    }
    return out;
  };

  app.get<{ Querystring: { group?: string; limit?: number; cursor?: string } }>('/admin/dlq', {
    config: { scopes: ['admin'] },
    schema: documented({ tags: ['dead letters'], summary: 'List dead letters of the caller\'s tenant, oldest first, a page at a time' }, {
      querystring: {
        type: 'object', additionalProperties: false,
        properties: {
          group: { type: 'string', minLength: 1 },
          limit: { type: 'integer', minimum: 1, maximum: 1000, description: 'Page size; default 100' },
          cursor: { type: 'string', minLength: 1, description: 'nextCursor of the previous page' },
        },
      },
      response: {
        200: {
          type: 'object', required: ['total', 'items'], additionalProperties: true,
          properties: {
            total: { type: 'integer', description: 'The tenant\'s dead letters (of the group, when given)' },
            items: { type: 'array', items: { type: 'object', additionalProperties: true } },
            nextCursor: { type: 'string', description: 'Present while there may be more' },
          },
        },
        ...errorResponses(400, 401, 403),
      },
    }),
  }, async (request) => {
    const { group, cursor } = request.query;
    const tenant = request.auth.tenant;
    const limit = request.query.limit ?? 100;
    const after = cursor === undefined ? undefined : decodeDeadLetterCursor(cursor);
    // One more than asked: whether a next page exists. Not in parallel with count: a scanning
    // queue (SQS) hides what one scan holds from another running at the same time.
    const page = await dlq.list({ group, tenant, limit: limit + 1, after });
    const total = await dlq.count({ group, tenant });
    const items = page.slice(0, limit);
    const last = items[items.length - 1];
    return { total, items: items.map(summary), ...(page.length > limit && last ? { nextCursor: encodeDeadLetterCursor(last) } : {}) };
  });

  app.get<{ Params: { id: string } }>('/admin/dlq/:id', {
    config: { scopes: ['admin'] },
    schema: documented({ tags: ['dead letters'], summary: 'One dead letter with its error, attempts and original envelope' }, {
      params: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
      response: { 200: { type: 'object', additionalProperties: true }, ...errorResponses(401, 403, 404) },
    }),
  }, async (request) => {
    const d = await dlq.get(request.params.id);
    if (!d || tenantOfDeadLetter(d) !== request.auth.tenant) throw new NotFoundError('dead letter', request.params.id);
    return d;
  });

  app.post<{ Body: { ids?: string[]; group?: string } }>('/admin/dlq/redrive', {
    config: { scopes: ['admin'] },
    schema: documented({ tags: ['dead letters'], summary: 'Redeliver dead letters to their group (idempotent; all of the tenant\'s when ids is absent)' }, {
      body: bulkBody,
      response: { 200: { type: 'object', properties: { redriven: { type: 'integer' } } }, ...errorResponses(400, 401, 403) },
    }),
  }, async (request) => {
    const tenant = request.auth.tenant;
    const ids = request.body?.ids;
    if (ids) return { redriven: await dlq.redrive(await owned(tenant, ids)) };
    return { redriven: await redriveMatching(dlq, { tenant, group: request.body?.group }) };
  });

  app.post<{ Body: { ids?: string[]; group?: string } }>('/admin/dlq/purge', {
    config: { scopes: ['admin'] },
    schema: documented({ tags: ['dead letters'], summary: 'Delete dead letters (all of the tenant\'s when ids is absent)' }, {
      body: bulkBody,
      response: { 200: { type: 'object', properties: { purged: { type: 'integer' } } }, ...errorResponses(400, 401, 403) },
    }),
  }, async (request) => {
    const tenant = request.auth.tenant;
    const ids = request.body?.ids;
    return { purged: await dlq.purge(ids ? await owned(tenant, ids) : { tenant, group: request.body?.group }) };
  });
};

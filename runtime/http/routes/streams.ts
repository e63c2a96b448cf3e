/**
 * GET /streams/:id — the events of one stream of the caller's tenant (tenant-relative name,
 * e.g. `Order-42`), upcast to the latest schema versions. `?asOfVersion=` / `?asOf=<ISO time>`
 * return the stream as it was then (these need the `temporal:read` scope as well).
 * 404 when the stream does not exist (in this tenant: other tenants' streams are invisible).
 */
import { tenantEventStore } from '../../core/guards';
import type { FastifyPluginAsync } from 'fastify';
import type { EventStore } from '../../ports/EventStore';
import type { StoredEvent } from '../../ports/events';
import { InvalidArgumentError, NotFoundError } from '../../ports/errors';
import { identityPipeline, type EventPipeline } from '../../core/pipeline';
import { qualifiedStreamId } from '../../core/streamIds';
import { requireScopes } from '../auth';
import { documented, errorResponses } from './schemas';

export interface StreamRouteOptions {
  readonly eventStore: EventStore;
  readonly pipeline?: EventPipeline;
}

interface StreamQuery {
  asOfVersion?: number;
  asOf?: string;
  fromVersion?: number;
  limit?: number;
  direction?: 'forward' | 'backward';
}

/** Max events per response; page with fromVersion. */
export const MAX_STREAM_PAGE = 1000;

const eventSchema = {
  type: 'object',
  properties: {
    stream: { type: 'string' },
    version: { type: 'integer' },
    eventId: { type: 'string' },
    type: { type: 'string' },
    schemaVersion: { type: 'integer' },
    data: { type: 'object', additionalProperties: true },
    metadata: { type: 'object', additionalProperties: { type: 'string' } },
    recordedAt: { type: 'string', format: 'date-time' },
  },
} as const;

/** A stored event as the API shows it: tenant-relative stream, no store-internal position. */
export function publicEvent(e: StoredEvent, stream: string): Record<string, unknown> {
  return { stream, version: e.version, eventId: e.eventId, type: e.type, schemaVersion: e.schemaVersion, data: e.data, metadata: e.metadata, recordedAt: e.recordedAt };
}

export const streamRoutes: FastifyPluginAsync<StreamRouteOptions> = async (app, { eventStore, pipeline = identityPipeline }) => {
  app.get<{ Params: { id: string }; Querystring: StreamQuery }>('/streams/:id', {
    config: { scopes: ['queries:read'] },
    schema: documented({ tags: ['streams'], summary: 'Read one stream of the caller\'s tenant, optionally as of a version or a time' }, {
      params: { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.@=+-]{0,199}$' } } },
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          asOfVersion: { type: 'integer', minimum: 0 },
          asOf: { type: 'string', minLength: 1, description: 'ISO-8601 time' },
          fromVersion: { type: 'integer', minimum: 1 },
          limit: { type: 'integer', minimum: 1, maximum: MAX_STREAM_PAGE },
          direction: { type: 'string', enum: ['forward', 'backward'] },
        },
      },
      response: {
        200: {
          type: 'object',
          properties: {
            stream: { type: 'string' },
            version: { type: 'integer', description: 'Version of the last event returned (as of the requested point)' },
            currentVersion: { type: 'integer' },
            events: { type: 'array', items: eventSchema },
            nextFromVersion: { type: 'integer', description: 'Pass as fromVersion for the next page (forward reads)' },
          },
        },
        ...errorResponses(400, 401, 403, 404),
      },
    }),
  }, async (request) => {
    const { id } = request.params;
    const q = request.query;
    if (q.asOf !== undefined || q.asOfVersion !== undefined) requireScopes(request.auth, ['temporal:read']);
    if (q.asOf !== undefined && Number.isNaN(Date.parse(q.asOf))) throw new InvalidArgumentError('asOf', `"${q.asOf}" is not an ISO-8601 time`);
    const streamId = qualifiedStreamId(request.auth.tenant, id);
    // Defence in depth: this request can address streams of the caller's tenant only.
    const store = tenantEventStore(eventStore, request.auth.tenant);
    const info = await store.streamInfo(streamId);
    if (!info.exists) throw new NotFoundError('stream', id);
    const limit = q.limit ?? MAX_STREAM_PAGE;
    const raw = await store.readStream(streamId, {
      direction: q.direction, fromVersion: q.fromVersion, maxCount: limit + 1, asOfVersion: q.asOfVersion, asOf: q.asOf,
    });
    const more = raw.length > limit;
    const events = pipeline.afterRead(more ? raw.slice(0, limit) : raw);
    const last = events[events.length - 1];
    const version = q.direction === 'backward' ? (events[0]?.version ?? 0) : (last?.version ?? 0);
    return {
      stream: id,
      version,
      currentVersion: info.version,
      events: events.map((e) => publicEvent(e, id)),
      ...(more && q.direction !== 'backward' && last ? { nextFromVersion: last.version + 1 } : {}),
    };
  });
};

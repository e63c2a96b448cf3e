/**
 * GET /aggregates/:type/:id — an aggregate's state folded by its decider, for the caller's
 * tenant. `?asOfVersion=<n>` or `?asOf=<ISO time>` (scope temporal:read) fold it as it was
 * then, starting from the latest snapshot at or before that version when one exists (a time
 * is first resolved to the stream version current at that time).
 */
import { tenantEventStore } from '../../core/guards';
import type { FastifyPluginAsync } from 'fastify';
import type { EventStore } from '../../ports/EventStore';
import type { SnapshotStore } from '../../ports/SnapshotStore';
import { InvalidArgumentError, NotFoundError } from '../../ports/errors';
import type { AggregateRegistry } from '../../core/aggregate';
import { loadAggregate } from '../../core/aggregateLoader';
import type { EventPipeline } from '../../core/pipeline';
import { qualifiedStreamId, streamName } from '../../core/streamIds';
import { requireScopes } from '../auth';
import { documented, errorResponses } from './schemas';

export interface AggregateRouteOptions {
  readonly eventStore: EventStore;
  readonly aggregates: AggregateRegistry;
  readonly snapshots?: SnapshotStore;
  readonly pipeline?: EventPipeline;
}

export const aggregateRoutes: FastifyPluginAsync<AggregateRouteOptions> = async (app, o) => {
  app.get<{ Params: { type: string; id: string }; Querystring: { asOf?: string; asOfVersion?: number } }>('/aggregates/:type/:id', {
    config: { scopes: ['queries:read'] },
    schema: documented({ tags: ['temporal'], summary: 'Aggregate state, now or as of a version or a time (snapshot-assisted)' }, {
      params: { type: 'object', required: ['type', 'id'], properties: { type: { type: 'string' }, id: { type: 'string' } } },
      querystring: {
        type: 'object', additionalProperties: false,
        properties: { asOf: { type: 'string', minLength: 1, description: 'ISO-8601 time' }, asOfVersion: { type: 'integer', minimum: 1 } },
      },
      response: { 200: { type: 'object', additionalProperties: true }, ...errorResponses(400, 401, 403, 404) },
    }),
  }, async (request) => {
    const { asOf, asOfVersion } = request.query;
    if (asOf !== undefined || asOfVersion !== undefined) requireScopes(request.auth, ['temporal:read']);
    if (asOf !== undefined && asOfVersion !== undefined) throw new InvalidArgumentError('asOf', 'give asOf or asOfVersion, not both');
    const decider = o.aggregates.get(request.params.type);
    const name = streamName(decider.aggregateType, request.params.id);
    const streamId = qualifiedStreamId(request.auth.tenant, name);
    // Defence in depth: this request can address streams of the caller's tenant only.
    const scoped = { ...o, eventStore: tenantEventStore(o.eventStore, request.auth.tenant) };
    let version = asOfVersion;
    if (asOf !== undefined) {
      const at = new Date(asOf);
      if (Number.isNaN(at.getTime())) throw new InvalidArgumentError('asOf', `"${asOf}" is not an ISO-8601 time`);
      const [last] = await scoped.eventStore.readStream(streamId, { direction: 'backward', asOf: at, maxCount: 1 });
      if (!last) throw new NotFoundError('aggregate', `${name} as of ${asOf}`);
      version = last.version;
    }
    const loaded = await loadAggregate(scoped, decider, streamId, { asOfVersion: version });
    if (loaded.version === 0) throw new NotFoundError('aggregate', name);
    return {
      type: decider.aggregateType, id: request.params.id, stream: name, version: loaded.version, snapshotVersion: loaded.snapshotVersion,
      state: loaded.state, ...(asOf !== undefined ? { asOf } : {}), ...(asOfVersion !== undefined ? { asOfVersion } : {}),
    };
  });
};

/**
 * Telemetry over HTTP for the local stack (scope admin):
 *   GET /metrics          Prometheus text exposition of every Nexus metric (docs/observability.md)
 *   GET /traces?limit=    recent traces touching the caller's tenant, newest first
 *   GET /traces/:id       one trace's spans (parent ids, timings, attributes), start order
 * Traces come from the in-memory TraceBuffer; in the clouds they go to the OTLP endpoint instead.
 */
import type { FastifyPluginAsync } from 'fastify';
import { NotFoundError } from '../../ports/errors';
import { PROMETHEUS_CONTENT_TYPE, type PrometheusReader, type TraceBuffer } from '../../observability';

export interface ObservabilityRouteOptions {
  readonly traces: TraceBuffer;
  readonly prometheus: PrometheusReader;
}

export const observabilityRoutes: FastifyPluginAsync<ObservabilityRouteOptions> = async (app, { traces, prometheus }) => {
  app.get('/metrics', { config: { scopes: ['admin'] }, schema: { hide: true } }, async (_request, reply) => {
    return reply.type(PROMETHEUS_CONTENT_TYPE).send(await prometheus.render());
  });

  app.get<{ Querystring: { limit?: number } }>('/traces', {
    config: { scopes: ['admin'] },
    schema: { hide: true, querystring: { type: 'object', additionalProperties: false, properties: { limit: { type: 'integer', minimum: 1, maximum: 1000 } } } },
  }, async (request) => ({ traces: traces.traces({ tenant: request.auth.tenant, limit: request.query.limit ?? 50 }) }));

  app.get<{ Params: { id: string } }>('/traces/:id', {
    config: { scopes: ['admin'] },
    schema: { hide: true, params: { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^[0-9a-f]{32}$' } } } },
  }, async (request) => {
    const spans = traces.trace(request.params.id);
    const tenants = new Set(spans.map((s) => s.attributes['nexus.tenant']).filter((t) => t !== undefined));
    if (spans.length === 0 || !tenants.has(request.auth.tenant)) throw new NotFoundError('trace', request.params.id);
    return { traceId: request.params.id, spans };
  });
};

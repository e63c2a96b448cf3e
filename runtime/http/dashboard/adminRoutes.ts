/**
 * JSON the dashboard page needs beyond the public API (scope admin, the caller's tenant only):
 *   GET /admin/dashboard/events?limit=   the tenant's latest events (stream browser, live list seed)
 *   GET /admin/dashboard/projections     each projection: counters, last applied event, lag
 *   GET /admin/dashboard/sagas           each saga: counters and its instances with status
 *   GET /admin/dashboard/clouds          `nexus plan` of the aws/gcp/azure stacks (lazy, cached)
 */
import type { FastifyPluginAsync } from 'fastify';
import type { CheckpointStore } from '../../ports/CheckpointStore';
import type { EventStore } from '../../ports/EventStore';
import type { StoredEvent } from '../../ports/events';
import type { ReadSide } from '../../core/bus/ReadSide';
import { projectionProgress } from '../../core/observability';
import { instancePrefix } from '../../core/sagas/SagaCoordinator';
import type { CloudPlans } from './cloudPlans';

export interface DashboardAdminOptions {
  readonly eventStore: EventStore;
  readonly checkpoints: CheckpointStore;
  readonly readSide: ReadSide | undefined;
  readonly clouds: CloudPlans;
}

/** Events scanned per request for the latest-events list (the local stack is small). */
const SCAN_LIMIT = 50_000;

async function latestEvents(store: EventStore, tenant: string, limit: number): Promise<StoredEvent[]> {
  const prefix = `${tenant}:`;
  const kept: StoredEvent[] = [];
  let after: string | undefined;
  for (let scanned = 0; scanned < SCAN_LIMIT;) {
    const page = await store.readAll({ after, limit: 1000 });
    scanned += page.events.length;
    for (const e of page.events) {
      if (!e.streamId.startsWith(prefix)) continue;
      kept.push(e);
      if (kept.length > limit) kept.shift();
    }
    if (page.isEnd || page.events.length === 0 || page.checkpoint === undefined) break;
    after = page.checkpoint;
  }
  return kept.reverse();
}

export const dashboardAdminRoutes: FastifyPluginAsync<DashboardAdminOptions> = async (app, o) => {
  const admin = { config: { scopes: ['admin' as const] }, schema: { hide: true } };

  app.get<{ Querystring: { limit?: string } }>('/admin/dashboard/events', admin, async (request) => {
    const limit = Math.min(500, Math.max(1, Number(request.query.limit ?? 50) || 50));
    const tenant = request.auth.tenant;
    return {
      events: (await latestEvents(o.eventStore, tenant, limit)).map((e) => ({
        stream: e.streamId.slice(tenant.length + 1), version: e.version, type: e.type, eventId: e.eventId, recordedAt: e.recordedAt,
        schemaVersion: e.schemaVersion, correlationId: e.metadata.correlationId, traceparent: e.metadata.traceparent, data: e.data,
      })),
    };
  });

  app.get('/admin/dashboard/projections', admin, async () => ({
    projections: (o.readSide?.projections ?? []).map((p) => {
      const progress = projectionProgress(p.definition.name);
      return {
        name: p.definition.name, eventTypes: Object.keys(p.definition.handlers), stats: p.stats,
        lastEventAt: progress?.lastEventAt, lastAppliedAt: progress?.lastAppliedAt, lagMs: progress?.lagMs,
      };
    }),
  }));

  app.get('/admin/dashboard/sagas', admin, async (request) => {
    const prefix = `${request.auth.tenant}:`;
    const sagas = [];
    for (const s of o.readSide?.sagas ?? []) {
      const entries = await o.checkpoints.list(instancePrefix(s.definition.name));
      const instances = entries
        .map(({ name, value }) => ({ streamId: name.slice(instancePrefix(s.definition.name).length), status: value }))
        .filter((i) => i.streamId.startsWith(prefix))
        .map((i) => ({ id: i.streamId.slice(prefix.length), status: i.status }))
        .slice(-100);
      sagas.push({ name: s.definition.name, stats: s.stats, instances });
    }
    return { sagas };
  });

  app.get('/admin/dashboard/clouds', admin, async () => ({ stacks: o.clouds.snapshot() }));
  app.post('/admin/dashboard/clouds/retry', admin, async () => {
    o.clouds.retryFailed();
    return { stacks: o.clouds.snapshot() };
  });
};

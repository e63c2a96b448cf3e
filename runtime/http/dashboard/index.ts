/**
 * The dashboard served by `npm start` at `/`: a server-rendered shell (public: it holds no data)
 * plus a small vanilla JS/CSS client in public/ that asks for the dev token (`/?token=`, kept in
 * sessionStorage) and calls the JSON API with it — the same tokens and scopes as every client.
 * This plugin also serves the telemetry routes (/metrics, /traces) and the admin JSON the page needs.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import type { CheckpointStore } from '../../ports/CheckpointStore';
import type { EventStore } from '../../ports/EventStore';
import type { ReadSide } from '../../core/bus/ReadSide';
import type { PrometheusReader, TraceBuffer } from '../../observability';
import { dashboardAdminRoutes } from './adminRoutes';
import { CloudPlans } from './cloudPlans';
import { observabilityRoutes } from './observabilityRoutes';

export interface DashboardDeps {
  readonly eventStore: EventStore;
  readonly checkpoints: CheckpointStore;
  readonly readSide: () => ReadSide | undefined;
  readonly traces: TraceBuffer;
  readonly prometheus: PrometheusReader;
  /** Repository root holding Pulumi.<stack>.yaml (clouds view); default the process cwd. */
  readonly root?: string;
  /** Injected in tests; default plans aws-prod/gcp-prod/azure-prod in child processes. */
  readonly clouds?: CloudPlans;
}

const PUBLIC = path.join(__dirname, 'public');
const ASSETS: Readonly<Record<string, string>> = {
  'app.js': 'text/javascript; charset=utf-8',
  'views.js': 'text/javascript; charset=utf-8',
  'graph.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
};

export function dashboardPlugin(deps: DashboardDeps): FastifyPluginAsync {
  return async (app) => {
    const page = readFileSync(path.join(PUBLIC, 'index.html'), 'utf8');
    const assets = new Map(Object.keys(ASSETS).map((name) => [name, readFileSync(path.join(PUBLIC, name), 'utf8')]));
    app.get('/', { config: { public: true }, schema: { hide: true } }, async (_request, reply) =>
      reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(page));
    app.get<{ Params: { file: string } }>('/dashboard/:file', { config: { public: true }, schema: { hide: true } }, async (request, reply) => {
      const body = assets.get(request.params.file);
      if (body === undefined) return reply.status(404).send({ statusCode: 404, code: 'NOT_FOUND', error: 'Not Found', message: `dashboard asset ${request.params.file} not found (known: ${[...assets.keys()].join(', ')})` });
      return reply.type(ASSETS[request.params.file]!).header('cache-control', 'no-cache').send(body);
    });
    await app.register(observabilityRoutes, { traces: deps.traces, prometheus: deps.prometheus });
    const readSide = deps.readSide();
    await app.register(dashboardAdminRoutes, {
      eventStore: deps.eventStore, checkpoints: deps.checkpoints, readSide,
      clouds: deps.clouds ?? new CloudPlans(deps.root ?? process.cwd()),
    });
  };
}

/** GET /health (liveness: the process answers) and GET /ready (readiness: the stores answer). Public. */
import type { FastifyPluginAsync } from 'fastify';
import { documented } from './schemas';

export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<void>;
}

export interface HealthRouteOptions {
  readonly checks: readonly ReadinessCheck[];
  /** Per-check time budget; default 2000 ms. */
  readonly timeoutMs?: number;
}

const statusSchema = {
  type: 'object',
  properties: {
    status: { type: 'string' },
    checks: { type: 'object', additionalProperties: { type: 'string' } },
  },
} as const;

export const healthRoutes: FastifyPluginAsync<HealthRouteOptions> = async (app, options) => {
  app.get('/health', { config: { public: true }, schema: documented({ tags: ['health'], summary: 'Liveness' }, { response: { 200: statusSchema } }) }, async () => ({ status: 'ok' }));

  app.get('/ready', { config: { public: true }, schema: documented({ tags: ['health'], summary: 'Readiness of the stores' }, { response: { 200: statusSchema, 503: statusSchema } }) }, async (_req, reply) => {
    const timeout = options.timeoutMs ?? 2000;
    const results = await Promise.all(options.checks.map(async (c) => {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          c.check(),
          new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${timeout} ms`)), timeout))),
        ]);
        return [c.name, 'ok'] as const;
      } catch (err) {
        return [c.name, `failing: ${err instanceof Error ? err.message : String(err)}`] as const;
      } finally {
        clearTimeout(timer);
      }
    }));
    const ok = results.every(([, r]) => r === 'ok');
    return reply.status(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not ready', checks: Object.fromEntries(results) });
  });
};

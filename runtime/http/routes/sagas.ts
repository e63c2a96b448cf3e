/**
 * GET /sagas/:id — one saga instance of the caller's tenant (`OrderFulfilment-<orderId>`):
 * its state, status, pending commands, pending timeouts and full history (one line per input
 * it reacted to). Scope queries:read; another tenant's instance is simply not found.
 */
import type { FastifyPluginAsync } from 'fastify';
import { NotFoundError } from '../../ports/errors';
import type { SagaCoordinator } from '../../core/sagas';
import { documented, errorResponses } from './schemas';

export interface SagaRouteOptions {
  readonly sagas: ReadonlyArray<SagaCoordinator<unknown>>;
}

export const sagaRoutes: FastifyPluginAsync<SagaRouteOptions> = async (app, { sagas }) => {
  app.get<{ Params: { id: string } }>('/sagas/:id', {
    config: { scopes: ['queries:read'] },
    schema: documented({ tags: ['sagas'], summary: 'A saga instance: state, status, pending commands and timeouts, history' }, {
      params: { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9]*-[A-Za-z0-9][A-Za-z0-9_.@=+-]{0,99}$', description: '<SagaName>-<sagaId>, e.g. OrderFulfilment-42' } } },
      response: { 200: { type: 'object', additionalProperties: true }, ...errorResponses(400, 401, 403, 404) },
    }),
  }, async (request) => {
    const { id } = request.params;
    const coordinator = sagas.find((s) => id.startsWith(`${s.definition.name}-`));
    if (!coordinator) throw new NotFoundError('saga type of', `${id} (known: ${sagas.map((s) => s.definition.name).join(', ')})`);
    const inst = await coordinator.load(request.auth.tenant, id.slice(coordinator.definition.name.length + 1));
    if (!inst.exists) throw new NotFoundError('saga', id);
    return {
      id, saga: inst.saga, sagaId: inst.sagaId, status: inst.status, version: inst.version, state: inst.state,
      pendingCommands: inst.pendingCommands,
      timeouts: [...inst.timeouts].map(([name, dueAt]) => ({ name, dueAt })),
      history: inst.history,
    };
  });
};

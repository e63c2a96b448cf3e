/**
 * POST /commands/:aggregate/:id — runs one command through the command handler for the
 * caller's tenant. 201 with the appended events; 200 with `replayed: true` when the command id
 * was already handled. Idempotency key: body `commandId` or the `Idempotency-Key` header.
 */
import type { FastifyPluginAsync } from 'fastify';
import { InvalidArgumentError } from '../../ports/errors';
import type { AggregateRegistry } from '../../core/aggregate';
import type { CommandHandler } from '../../core/commandHandler';
import { documented, errorResponses } from './schemas';

export interface CommandRouteOptions {
  readonly commands: CommandHandler;
  readonly aggregates: AggregateRegistry;
}

interface CommandBody {
  type: string;
  payload: unknown;
  commandId?: string;
  expectedVersion?: number;
}

const ID = '^[A-Za-z0-9][A-Za-z0-9_.@=+-]{0,99}$';

const resultSchema = {
  type: 'object',
  required: ['commandId', 'stream', 'version', 'events', 'replayed'],
  properties: {
    commandId: { type: 'string' },
    aggregateType: { type: 'string' },
    aggregateId: { type: 'string' },
    stream: { type: 'string', description: 'Tenant-relative stream name, e.g. Order-42' },
    version: { type: 'integer', description: 'Stream version after the command' },
    replayed: { type: 'boolean', description: 'True when the command id had already been handled: nothing was appended' },
    events: {
      type: 'array',
      items: {
        type: 'object',
        properties: { eventId: { type: 'string' }, type: { type: 'string' }, version: { type: 'integer' }, schemaVersion: { type: 'integer' } },
      },
    },
  },
} as const;

export const commandRoutes: FastifyPluginAsync<CommandRouteOptions> = async (app, { commands, aggregates }) => {
  app.post<{ Params: { aggregate: string; id: string }; Body: CommandBody }>('/commands/:aggregate/:id', {
    config: { scopes: ['commands:write'] },
    schema: documented({ tags: ['commands'], summary: 'Run a command against one aggregate of the caller\'s tenant' }, {
      params: {
        type: 'object',
        required: ['aggregate', 'id'],
        properties: { aggregate: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9]{0,99}$' }, id: { type: 'string', pattern: ID } },
      },
      headers: {
        type: 'object',
        properties: { 'idempotency-key': { type: 'string', minLength: 1, maxLength: 200 }, traceparent: { type: 'string' }, 'x-correlation-id': { type: 'string' } },
      },
      body: {
        type: 'object',
        required: ['type', 'payload'],
        additionalProperties: false,
        properties: {
          type: { type: 'string', minLength: 1, maxLength: 100, description: 'Command type, e.g. PlaceOrder' },
          payload: { type: 'object', description: 'Command payload; its schema depends on the command type' },
          commandId: { type: 'string', minLength: 1, maxLength: 200, description: 'Idempotency key: a repeated id returns the first result' },
          expectedVersion: { type: 'integer', minimum: 0, description: 'Optimistic concurrency: the stream version the client decided on' },
        },
      },
      response: { 200: resultSchema, 201: resultSchema, ...errorResponses(400, 401, 403, 409, 413, 422) },
    }),
  }, async (request, reply) => {
    const { aggregate, id } = request.params;
    const header = request.headers['idempotency-key'];
    const { type, payload, commandId: bodyId, expectedVersion } = request.body;
    if (bodyId !== undefined && typeof header === 'string' && header !== bodyId) {
      throw new InvalidArgumentError('commandId', `body commandId "${bodyId}" and Idempotency-Key header "${header}" differ`);
    }
    const decider = aggregates.find(aggregate) ?? aggregates.find(aggregates.types().find((t) => t.toLowerCase() === aggregate.toLowerCase()) ?? '');
    const result = await commands.handle({
      tenant: request.auth.tenant,
      actor: request.auth.subject,
      aggregateType: decider?.aggregateType ?? aggregate,
      aggregateId: id,
      type,
      payload,
      commandId: bodyId ?? (typeof header === 'string' ? header : undefined),
      expectedVersion,
      correlationId: typeof request.headers['x-correlation-id'] === 'string' ? request.headers['x-correlation-id'] : undefined,
      traceparent: typeof request.headers.traceparent === 'string' ? request.headers.traceparent : undefined,
    });
    return reply.status(result.replayed ? 200 : 201).send(result);
  });
};

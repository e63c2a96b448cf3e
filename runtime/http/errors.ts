/**
 * One mapping from the error contracts of ports, core and Fastify to HTTP: a status and a JSON
 * body `{ statusCode, code, error, message, ...details }` whose `code` is stable (clients switch
 * on it). Stream ids in errors are shown tenant-relative: a client never sees the qualified id.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { isConcurrencyError, isDuplicateEventError } from '../ports/EventStore';
import { isSchemaValidationError } from '../ports/SchemaRegistry';
import { isEventTooLargeError } from '../ports/limits';
import { isInvalidArgumentError, isNotFoundError, isUnavailableError } from '../ports/errors';
import { isInvariantViolationError, isUndeclaredEventError, isUnknownCommandError } from '../core/aggregate';
import { isCommandIdReusedError } from '../core/commandHandlerSupport';
import { isAuthenticationError, isForbiddenError } from './auth';

export interface HttpErrorBody {
  readonly statusCode: number;
  readonly code: string;
  readonly error: string;
  readonly message: string;
  readonly [detail: string]: unknown;
}

const REASONS: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 413: 'Payload Too Large',
  415: 'Unsupported Media Type', 422: 'Unprocessable Entity', 429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable',
};

/** Removes the `<tenant>:` prefix from a qualified stream id. */
const relative = (streamId: string): string => streamId.slice(streamId.indexOf(':') + 1);

function body(statusCode: number, code: string, message: string, details: Record<string, unknown> = {}): HttpErrorBody {
  return { statusCode, code, error: REASONS[statusCode] ?? 'Error', message, ...details };
}

/** Fastify's own request errors (parsing, limits, route schema validation). */
function fastifyError(err: FastifyError): HttpErrorBody | undefined {
  if (err.validation && err.validation.length > 0) {
    const v = err.validation[0]!;
    const params = v.params as { missingProperty?: string; additionalProperty?: string };
    const where = (err.validationContext ?? 'body') + v.instancePath.replace(/\//g, '.');
    const field = params.missingProperty ? `${where}.${params.missingProperty}` : params.additionalProperty ? `${where}.${params.additionalProperty}` : where;
    return body(400, 'BAD_REQUEST', `${field}: ${params.additionalProperty ? 'is not an allowed field' : (v.message ?? 'is invalid')}`, { field });
  }
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return body(400, 'MALFORMED_JSON', `request body is not valid JSON: ${err.message}`);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return body(413, 'BODY_TOO_LARGE', err.message);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return body(415, 'UNSUPPORTED_MEDIA_TYPE', `${err.message}; send application/json`);
  }
  if (err instanceof SyntaxError && err.statusCode === 400) return body(400, 'MALFORMED_JSON', `request body is not valid JSON: ${err.message}`);
  return undefined;
}

/** Maps any thrown value to an HTTP error body. */
export function toHttpError(err: unknown): HttpErrorBody {
  if (isAuthenticationError(err)) return body(401, err.code, err.message);
  if (isForbiddenError(err)) return body(403, err.code, err.message);
  if (isUnknownCommandError(err)) return body(400, err.code, err.message, { aggregate: err.aggregateType, command: err.commandType, known: err.known });
  if (isInvalidArgumentError(err)) return body(400, err.code, err.message, { field: err.field });
  if (isNotFoundError(err)) return body(404, err.code, err.message);
  if (isConcurrencyError(err)) {
    const stream = relative(err.streamId);
    return body(409, err.code, `stream ${stream}: expected version ${String(err.expected)}, found ${err.actual}`, {
      stream, expectedVersion: err.expected, actualVersion: err.actual,
    });
  }
  if (isCommandIdReusedError(err)) return body(409, err.code, err.message, { commandId: err.commandId });
  if (isDuplicateEventError(err)) return body(409, err.code, err.message.replace(err.streamId, relative(err.streamId)));
  if (isEventTooLargeError(err)) {
    return body(413, err.code, err.message.replace(err.streamId, relative(err.streamId)), { size: err.size, limit: err.limit });
  }
  if (isInvariantViolationError(err)) return body(422, err.code, err.message, { rule: err.rule });
  if (isSchemaValidationError(err)) {
    return body(422, err.code, err.message, {
      eventType: err.eventType, schemaVersion: err.schemaVersion, field: err.issues[0]?.path, issues: err.issues,
    });
  }
  if (isUnavailableError(err)) return body(503, err.code, err.message);
  if (isUndeclaredEventError(err)) return body(500, err.code, err.message, { rule: err.rule });
  if (typeof err === 'object' && err !== null && 'code' in err && typeof (err as FastifyError).code === 'string') {
    const f = fastifyError(err as FastifyError);
    if (f) return f;
    const status = (err as FastifyError).statusCode;
    if (status && status >= 400 && status < 500) return body(status, (err as FastifyError).code, String((err as { message?: unknown }).message));
  }
  if (err instanceof SyntaxError && (err as FastifyError).statusCode === 400) return body(400, 'MALFORMED_JSON', err.message);
  return body(500, 'INTERNAL', 'internal error (see server log)');
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err, request, reply) => {
    const b = toHttpError(err);
    if (b.statusCode >= 500) request.log.error({ err }, 'request failed');
    if (b.statusCode === 503) void reply.header('retry-after', '1');
    return reply.status(b.statusCode).send(b);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send(body(404, 'ROUTE_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0] ?? ''}`)));
}

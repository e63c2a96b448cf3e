/**
 * Translation of @azure/cosmos errors into the ports' error contract, shared by every Cosmos
 * adapter. The SDK already retries 429 (honouring x-ms-retry-after-ms) before it gives up; what
 * reaches us is translated: 429/503/408/449/500 → UnavailableError (retryAfterMs from the
 * response when the service sent it), 413 → the caller's size error. Transactional batches
 * whose HTTP call fails are rethrown by the SDK as a plain Error("Batch request error: ...")
 * without a code, so the status is recovered from the message as well.
 */
import { UnavailableError } from '../../ports/errors';

export const CosmosStatus = {
  NotFound: 404,
  Timeout: 408,
  Conflict: 409,
  PreconditionFailed: 412,
  TooLarge: 413,
  FailedDependency: 424,
  TooManyRequests: 429,
  RetryWith: 449,
  InternalServerError: 500,
  ServiceUnavailable: 503,
} as const;

const TRANSIENT = new Set<number>([408, 429, 449, 500, 503]);

/** The HTTP status of a Cosmos error (ErrorResponse.code/statusCode, or parsed from a batch error's message). */
export function cosmosStatus(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { code?: unknown; statusCode?: unknown; message?: unknown };
  if (typeof e.code === 'number') return e.code;
  if (typeof e.statusCode === 'number') return e.statusCode;
  const message = typeof e.message === 'string' ? e.message : '';
  if (/RequestEntityTooLarge|Request size is too large|status(?:Code)?\D{0,3}413/i.test(message)) return 413;
  if (/TooManyRequests|Request rate is large|status(?:Code)?\D{0,3}429/i.test(message)) return 429;
  if (/ServiceUnavailable|status(?:Code)?\D{0,3}503/i.test(message)) return 503;
  if (/RequestTimeout|status(?:Code)?\D{0,3}408/i.test(message)) return 408;
  return undefined;
}

export const isCosmosStatus = (err: unknown, status: number): boolean => cosmosStatus(err) === status;

/** x-ms-retry-after-ms (Cosmos) or Retry-After seconds (gateway) from an error or a response's headers. */
export function retryAfterMs(source: unknown): number | undefined {
  if (typeof source !== 'object' || source === null) return undefined;
  const s = source as { retryAfterInMs?: unknown; retryAfterInMilliseconds?: unknown; headers?: Record<string, unknown> };
  for (const v of [s.retryAfterInMs, s.retryAfterInMilliseconds]) if (typeof v === 'number' && v >= 0) return v;
  const h = s.headers ?? {};
  const ms = Number(h['x-ms-retry-after-ms']);
  if (Number.isFinite(ms) && ms >= 0 && h['x-ms-retry-after-ms'] !== undefined) return ms;
  const seconds = Number(h['retry-after']);
  if (Number.isFinite(seconds) && seconds >= 0 && h['retry-after'] !== undefined) return seconds * 1000;
  return undefined;
}

export function isTransientCosmos(err: unknown): boolean {
  const status = cosmosStatus(err);
  if (status !== undefined) return TRANSIENT.has(status);
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' && ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'TimeoutError'].includes(code);
}

/** A transient failure as UnavailableError(service); anything else unchanged for the caller. */
export function translateCosmos(service: string, err: unknown): unknown {
  if (!isTransientCosmos(err)) return err;
  const status = cosmosStatus(err);
  const message = err instanceof Error ? err.message : String(err);
  const wait = retryAfterMs(err);
  return new UnavailableError(service, `${status !== undefined ? `HTTP ${status}: ` : ''}${message.slice(0, 300)}${wait !== undefined ? ` (retry after ${wait} ms)` : ''}`, {
    cause: err, ...(wait !== undefined ? { retryAfterMs: wait } : {}),
  });
}

/** Runs `call`, translating transient failures into UnavailableError(service). */
export async function cosmosCall<T>(service: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw translateCosmos(service, err);
  }
}

/** Resolves to undefined on 404 (a point read of an absent item), translating other failures. */
export async function readOrUndefined<T>(service: string, call: () => Promise<{ resource?: T; statusCode?: number }>): Promise<{ resource: T; etag?: string } | undefined> {
  try {
    const r = await call();
    if (r.statusCode === 404 || r.resource === undefined) return undefined;
    return { resource: r.resource, etag: (r.resource as { _etag?: string })._etag };
  } catch (err) {
    if (isCosmosStatus(err, CosmosStatus.NotFound)) return undefined;
    throw translateCosmos(service, err);
  }
}

/**
 * The error contract shared by every port: a stable `code`, a `retryable` flag that the
 * retry policy reads, and a type guard per code. Adapters translate SDK errors into these.
 */
export abstract class NexusError extends Error {
  abstract readonly code: string;
  /** True when the same call may succeed later (throttling, busy database, network blip). */
  readonly retryable: boolean = false;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The backing service is temporarily unable to answer (throttled, busy/locked, unreachable). */
export class UnavailableError extends NexusError {
  readonly code = 'UNAVAILABLE' as const;
  override readonly retryable = true;
  /** How long the service asked callers to wait (e.g. Cosmos x-ms-retry-after-ms, HTTP Retry-After), when it said. */
  readonly retryAfterMs?: number;
  constructor(readonly service: string, detail: string, options?: { cause?: unknown; retryAfterMs?: number }) {
    super(`${service} is unavailable: ${detail}`, options);
    if (options?.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
}

/** A caller passed something the port cannot accept; the message names the field and the rule. */
export class InvalidArgumentError extends NexusError {
  readonly code = 'INVALID_ARGUMENT' as const;
  constructor(readonly field: string, detail: string) {
    super(`${field}: ${detail}`);
  }
}

/** A named thing (stream, schema, document, dead letter, ...) does not exist. */
export class NotFoundError extends NexusError {
  readonly code = 'NOT_FOUND' as const;
  constructor(readonly what: string, readonly id: string) {
    super(`${what} ${id} was not found`);
  }
}

export function hasCode(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;
}
export const isUnavailableError = (e: unknown): e is UnavailableError => hasCode(e, 'UNAVAILABLE');
export const isInvalidArgumentError = (e: unknown): e is InvalidArgumentError => hasCode(e, 'INVALID_ARGUMENT');
export const isNotFoundError = (e: unknown): e is NotFoundError => hasCode(e, 'NOT_FOUND');
/** Retryable when the error says so; unknown errors are not retried blindly. */
export const isRetryable = (e: unknown): boolean =>
  typeof e === 'object' && e !== null && (e as { retryable?: unknown }).retryable === true;

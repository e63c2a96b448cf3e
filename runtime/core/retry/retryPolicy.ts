/**
 * The one retry policy of the read side (relay, projections, sagas, bus redelivery):
 * exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"),
 * a cap on attempts, and classification of errors into retryable and permanent through the
 * ports' error contract (`isRetryable`, `PermanentError`).
 */
import { isRetryable } from '../../ports/errors';
import { isPermanentError } from '../../ports/EventBus';

export interface RetryPolicy {
  /** Total attempts including the first; >= 1. */
  readonly maxAttempts: number;
  /** Backoff ceiling before the first retry, in ms. */
  readonly baseDelayMs: number;
  /** No single wait is longer than this, in ms. */
  readonly maxDelayMs: number;
  /**
   * How errors that declare nothing (plain Error) are treated. Default 'retryable' for
   * handlers (a bug or a blip gets maxAttempts tries, then dead-letters); callers of ports
   * that follow the error contract pass 'permanent'.
   */
  readonly unknownErrors?: 'retryable' | 'permanent';
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 50, maxDelayMs: 5_000, unknownErrors: 'retryable' };

export type ErrorClass = 'retryable' | 'permanent';

/** PermanentError is always permanent; an error with `retryable: true` is retryable; others per policy. */
export function classifyError(err: unknown, policy: Pick<RetryPolicy, 'unknownErrors'> = DEFAULT_RETRY_POLICY): ErrorClass {
  if (isPermanentError(err)) return 'permanent';
  if (isRetryable(err)) return 'retryable';
  if (typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string' && (err as { retryable?: unknown }).retryable === false) {
    // A NexusError that says it is not retryable (invalid argument, not found, ...).
    return 'permanent';
  }
  return policy.unknownErrors ?? 'retryable';
}

/**
 * Full jitter: a uniform wait in [0, min(maxDelayMs, baseDelayMs * 2^(attempt-1))].
 * `attempt` is the attempt that just failed (1 = the first).
 */
export function backoffDelay(attempt: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>, random: () => number = Math.random): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, Math.min(30, attempt - 1)));
  return Math.floor(random() * exp);
}

/** Whether a failed attempt should be tried again under the policy. */
export function shouldRetry(err: unknown, attempt: number, policy: RetryPolicy): boolean {
  return attempt < policy.maxAttempts && classifyError(err, policy) === 'retryable';
}

export function validateRetryPolicy(policy: RetryPolicy): RetryPolicy {
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) throw new RangeError(`retry policy maxAttempts: expected an integer >= 1, got ${policy.maxAttempts}`);
  if (!(policy.baseDelayMs >= 0)) throw new RangeError(`retry policy baseDelayMs: expected >= 0, got ${policy.baseDelayMs}`);
  if (!(policy.maxDelayMs >= policy.baseDelayMs)) throw new RangeError(`retry policy maxDelayMs: expected >= baseDelayMs (${policy.baseDelayMs}), got ${policy.maxDelayMs}`);
  return policy;
}

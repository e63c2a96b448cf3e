/** Runs an async operation under a RetryPolicy: retries retryable errors with jittered backoff. */
import { backoffDelay, DEFAULT_RETRY_POLICY, shouldRetry, type RetryPolicy } from './retryPolicy';

export interface RetryHooks {
  /** Called before each wait; used for metrics and chaos-test counts. */
  readonly onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
  /** Injected for tests; default setTimeout. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  /** Stops retrying (the last error is thrown) once aborted. */
  readonly signal?: AbortSignal;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Calls `fn(attempt)` until it resolves, a permanent error is thrown (rethrown as is), or the
 * attempts run out (the last error is rethrown as is, so callers keep its type and code).
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, policy: RetryPolicy = DEFAULT_RETRY_POLICY, hooks: RetryHooks = {}): Promise<T> {
  const wait = hooks.sleep ?? sleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (!shouldRetry(err, attempt, policy) || hooks.signal?.aborted) throw err;
      const delayMs = backoffDelay(attempt, policy, hooks.random);
      hooks.onRetry?.({ attempt, delayMs, error: err });
      await wait(delayMs);
    }
  }
}

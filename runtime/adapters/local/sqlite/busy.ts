/**
 * SQLite contention handling. SQLite waits up to busy_timeout for a lock itself; when that
 * is not enough (or the error bypasses the busy handler, e.g. SQLITE_BUSY_SNAPSHOT) the call
 * is retried a few times with jitter, then surfaced as UnavailableError (retryable) naming the
 * file — never hidden behind another error.
 */
import { UnavailableError } from '../../../ports';

export interface BusyPolicy {
  /** Attempts after the first one once SQLite itself gave up waiting (default 3). */
  readonly retries: number;
  /** Base backoff between attempts in ms, doubled each time, with jitter (default 20). */
  readonly backoffMs: number;
}

export const DEFAULT_BUSY_POLICY: BusyPolicy = { retries: 3, backoffMs: 20 };

export function sqliteCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

/** SQLITE_BUSY*, SQLITE_LOCKED*: another connection holds the lock; worth waiting for. */
export function isBusy(err: unknown): boolean {
  const code = sqliteCode(err);
  return code !== undefined && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Runs a synchronous SQLite operation, retrying busy/locked errors, then UnavailableError. */
export async function withBusyRetry<T>(service: string, policy: BusyPolicy, op: () => T): Promise<T> {
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      return op();
    } catch (err) {
      if (!isBusy(err)) throw err;
      if (attempt >= policy.retries) {
        throw new UnavailableError(
          service,
          `${sqliteCode(err)} after ${attempt + 1} attempts over ${Date.now() - started} ms (another process holds the write lock)`,
          { cause: err },
        );
      }
      await sleep(policy.backoffMs * 2 ** attempt * (0.5 + Math.random()));
    }
  }
}

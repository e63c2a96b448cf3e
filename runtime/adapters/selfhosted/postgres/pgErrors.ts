/**
 * Translates node-postgres errors into the ports' error contract: serialization failures,
 * deadlocks, lock timeouts, admin shutdowns and connection errors are UnavailableError
 * (retryable); everything else is passed through unchanged (a bug, not a condition).
 */
import { NexusError, UnavailableError } from '../../../ports';

/** SQLSTATE of a pg error, or undefined. */
export function pgCode(err: unknown): string | undefined {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

export const UNIQUE_VIOLATION = '23505';

const RETRYABLE_SQLSTATES = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '55P03', // lock_not_available
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
]);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

export function isRetryablePgError(err: unknown): boolean {
  const code = pgCode(err);
  if (code === undefined) {
    const msg = err instanceof Error ? err.message : '';
    return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(msg);
  }
  return RETRYABLE_SQLSTATES.has(code) || code.startsWith('08') || NETWORK_CODES.has(code);
}

export function translatePgError(service: string, err: unknown): unknown {
  if (err instanceof NexusError) return err;
  if (isRetryablePgError(err)) {
    const detail = err instanceof Error ? err.message : String(err);
    return new UnavailableError(service, `${pgCode(err) ?? 'connection'}: ${detail}`, { cause: err });
  }
  return err;
}

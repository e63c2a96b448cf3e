/**
 * Translation of AWS SDK errors (DynamoDB, Kinesis, SQS, SNS, Glue, API Gateway) into the ports'
 * error contract. Conditional failures are handled where the caller knows what the condition
 * meant (expected version, checkpoint value); this file maps the rest: throttling, service faults
 * and network errors → UnavailableError (retryable), DynamoDB item-size validation → the caller's
 * "too large" error, everything else → rethrown unchanged.
 */
import { UnavailableError } from '../../ports';

const THROTTLING = new Set([
  'ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded',
  'InternalServerError', 'ServiceUnavailable', 'TransactionInProgressException', 'LimitExceededException',
  'ThrottledException', 'RequestThrottled', 'KMSThrottlingException', 'InternalError', 'InternalFailure',
]);
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'TimeoutError']);

export function errorName(err: unknown): string {
  if (typeof err !== 'object' || err === null) return '';
  const e = err as { name?: unknown; code?: unknown };
  return typeof e.name === 'string' ? e.name : typeof e.code === 'string' ? e.code : '';
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function isThrottling(err: unknown): boolean {
  const name = errorName(err);
  const code = (err as { code?: unknown } | null)?.code;
  return THROTTLING.has(name) || NETWORK.has(name) || (typeof code === 'string' && NETWORK.has(code));
}

/** DynamoDB rejects an item over 400 KB (or a transaction over 4 MB) with a ValidationException. */
export function isItemTooLarge(err: unknown): boolean {
  return errorName(err) === 'ValidationException' && /size|too large|exceed/i.test(errorMessage(err));
}

/** Throttling/unreachable → UnavailableError naming the service and resource; other errors unchanged. */
export function translateAwsError(err: unknown, service: string): unknown {
  if (isThrottling(err)) return new UnavailableError(service, `${errorName(err)}: ${errorMessage(err)}`, { cause: err });
  return err;
}

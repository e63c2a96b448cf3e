/**
 * Translation of Google Cloud SDK (gRPC) errors into the ports' error contract, shared by the
 * Firestore and Pub/Sub adapters. Codes are gRPC status codes (google.rpc.Code): the Firestore
 * and Pub/Sub clients both surface them as `err.code`.
 */
import { UnavailableError } from '../../ports/errors';

export const GrpcCode = {
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  INTERNAL: 13,
  UNAVAILABLE: 14,
} as const;

export function grpcCode(err: unknown): number | undefined {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'number' ? code : undefined;
}

export const isGrpc = (err: unknown, code: number): boolean => grpcCode(err) === code;

/**
 * Throttling, overload, timeouts, a dropped connection, and ABORTED (transaction contention that
 * outlasted the SDK's own retries): the same call may succeed later.
 */
export function isTransient(err: unknown): boolean {
  const code = grpcCode(err);
  return code === GrpcCode.RESOURCE_EXHAUSTED || code === GrpcCode.UNAVAILABLE || code === GrpcCode.DEADLINE_EXCEEDED
    || code === GrpcCode.CANCELLED || code === GrpcCode.INTERNAL || code === GrpcCode.ABORTED;
}

/**
 * Rethrows a transient SDK error as UnavailableError(service) with the SDK error as cause;
 * anything else is returned unchanged for the caller to translate or rethrow.
 */
export function translateTransient(service: string, err: unknown): unknown {
  if (isTransient(err)) {
    const message = err instanceof Error ? err.message : String(err);
    return new UnavailableError(service, message, { cause: err });
  }
  return err;
}

/** Runs `call`, translating transient failures into UnavailableError(service). */
export async function guarded<T>(service: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw translateTransient(service, err);
  }
}

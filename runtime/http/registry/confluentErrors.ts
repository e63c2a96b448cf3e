/**
 * Confluent Schema Registry error bodies: `{ error_code, message }` with Confluent's codes, so
 * existing clients react as they do against Confluent (e.g. a 404 on GET /config/{s} means
 * "first registration" to @kafkajs/confluent-schema-registry).
 */
import { hasCode } from '../../ports/errors';
import { isIncompatibleSchemaError, isInvalidSchemaError, isSchemaNotFoundError } from '../../ports/SchemaRegistry';
import { isSchemaIdNotFoundError } from '../../core/schema/errors';

export const CONFLUENT_CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

export interface ConfluentErrorBody {
  readonly error_code: number;
  readonly message: string;
}

/** An error already expressed in Confluent terms (HTTP status + error_code). */
export class ConfluentHttpError extends Error {
  constructor(readonly status: number, readonly errorCode: number, message: string) {
    super(message);
  }
}

export const subjectNotFound = (subject: string) => new ConfluentHttpError(404, 40401, `Subject '${subject}' not found.`);
export const versionNotFound = (version: number | string) => new ConfluentHttpError(404, 40402, `Version ${version} not found.`);
export const schemaNotFound = (detail = 'Schema not found') => new ConfluentHttpError(404, 40403, detail);
export const subjectConfigNotFound = (subject: string) =>
  new ConfluentHttpError(404, 40408, `Subject '${subject}' does not have subject-level compatibility configured`);
export const invalidVersion = (version: string) => new ConfluentHttpError(422, 42202,
  `The specified version '${version}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`);
export const invalidCompatibility = (value: unknown) => new ConfluentHttpError(422, 42203,
  `Invalid compatibility level '${String(value)}'. Valid values are NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE`);
export const invalidSchema = (detail: string) => new ConfluentHttpError(422, 42201, `Invalid schema: ${detail}`);
export const unprocessable = (detail: string) => new ConfluentHttpError(422, 422, detail);

/** Maps anything thrown by the SchemaRegistry port (or the auth hook) to status + body. */
export function toConfluentError(err: unknown): { status: number; body: ConfluentErrorBody } {
  const out = (status: number, error_code: number, message: string) => ({ status, body: { error_code, message } });
  if (err instanceof ConfluentHttpError) return out(err.status, err.errorCode, err.message);
  if (isSchemaIdNotFoundError(err)) return out(404, 40403, `Schema ${err.id} not found`);
  if (isSchemaNotFoundError(err)) {
    return err.version === undefined ? out(404, 40401, `Subject '${err.subject}' not found.`) : out(404, 40402, `Version ${err.version} not found.`);
  }
  if (isIncompatibleSchemaError(err)) {
    return out(409, 409, `Schema being registered is incompatible with an earlier schema for subject "${err.subject}" (${err.mode}): ${err.messages.join('; ')}`);
  }
  if (isInvalidSchemaError(err)) return out(422, 42201, `Invalid schema: ${err.message}`);
  if (hasCode(err, 'INVALID_ARGUMENT')) return out(422, 422, (err as Error).message);
  if (hasCode(err, 'UNAUTHENTICATED')) return out(401, 40101, (err as Error).message);
  if (hasCode(err, 'FORBIDDEN')) return out(403, 40301, (err as Error).message);
  const e = err as { statusCode?: number; message?: string; code?: string };
  if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return out(415, 415, `${e.message ?? 'unsupported media type'}; send ${CONFLUENT_CONTENT_TYPE}`);
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return out(e.statusCode, e.statusCode, e.message ?? 'bad request');
  }
  if (hasCode(err, 'UNAVAILABLE')) return out(500, 50001, `Error in the backend data store: ${(err as Error).message}`);
  return out(500, 50001, `Error in the backend data store: ${e.message ?? String(err)}`);
}

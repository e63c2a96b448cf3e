/**
 * Which command failures a saga treats as an answer ("the other side said no": it reacts,
 * e.g. by compensating) and which as transient (the input is redelivered and the command,
 * with the same id, is issued again).
 */
import { isInvariantViolationError, isUnknownCommandError } from '../aggregate';
import { isCommandIdReusedError } from '../commandHandlerSupport';
import { isInvalidArgumentError } from '../../ports/errors';
import { isSchemaValidationError } from '../../ports/SchemaRegistry';

export interface CommandRejection {
  readonly code: string;
  readonly rule?: string;
  readonly message: string;
}

/** The rejection for a business/validation refusal; undefined when the failure is transient. */
export function classifyCommandError(err: unknown): CommandRejection | undefined {
  if (isInvariantViolationError(err)) return { code: err.code, rule: err.rule, message: err.message };
  if (isUnknownCommandError(err) || isInvalidArgumentError(err) || isSchemaValidationError(err) || isCommandIdReusedError(err)) {
    return { code: (err as { code: string }).code, message: (err as Error).message };
  }
  // Conflicts, unavailability and unknown failures are transient: the same command id is issued again later.
  return undefined;
}

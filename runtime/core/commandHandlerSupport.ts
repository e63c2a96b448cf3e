/**
 * Pieces of the command handler that are pure: deterministic event ids derived from the command
 * id, payload validation against the decider's JSON Schemas (ajv), and the command-side errors.
 */
import { createHash } from 'node:crypto';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { InvalidArgumentError, NexusError, hasCode } from '../ports/errors';
import { UnknownCommandError, type AnyDecider } from './aggregate';

/**
 * Event id i of a command: a UUID-shaped SHA-256 of (tenant, command id, i). The same command id
 * always yields the same ids, so a retry after a crash between append and the idempotency record
 * is an idempotent replay in the store instead of a second append.
 */
export function commandEventId(tenant: string, commandId: string, index: number): string {
  const h = createHash('sha256').update(`${tenant}\u0000${commandId}\u0000${index}`).digest('hex');
  // RFC 9562 layout, version 8 (custom), variant 10.
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The same command id was used for a different command (another stream or type). HTTP 409. */
export class CommandIdReusedError extends NexusError {
  readonly code = 'COMMAND_ID_REUSED' as const;
  constructor(readonly commandId: string, readonly firstUse: string, readonly thisUse: string) {
    super(`command id ${commandId} was first used for ${firstUse}, not ${thisUse}; use a new command id`);
  }
}
export const isCommandIdReusedError = (e: unknown): e is CommandIdReusedError => hasCode(e, 'COMMAND_ID_REUSED');

function describe(e: ErrorObject): { field: string; message: string } {
  const base = e.instancePath.replace(/^\//, '').replace(/\/(\d+)(?=\/|$)/g, '[$1]').replace(/\//g, '.');
  const extra = e.keyword === 'required' ? (e.params as { missingProperty: string }).missingProperty
    : e.keyword === 'additionalProperties' ? (e.params as { additionalProperty: string }).additionalProperty : undefined;
  const path = [base, extra].filter((x) => x).join('.');
  const message = e.keyword === 'additionalProperties' ? 'is not an allowed field' : e.keyword === 'required' ? 'is required' : (e.message ?? 'is invalid');
  return { field: path ? `payload.${path}` : 'payload', message };
}

/** Compiles each decider's command payload schemas once; `check` throws 400-class errors. */
export class PayloadValidator {
  private readonly ajv = new Ajv({ allErrors: false, strict: false });
  private readonly cache = new Map<string, ValidateFunction>();

  check(decider: AnyDecider, commandType: string, payload: unknown): void {
    const commands = decider.commands as Record<string, object>;
    const schema = Object.prototype.hasOwnProperty.call(commands, commandType) ? commands[commandType] : undefined;
    if (!schema) throw new UnknownCommandError(decider.aggregateType, commandType, Object.keys(commands).sort());
    const key = `${decider.aggregateType}/${commandType}`;
    let validate = this.cache.get(key);
    if (!validate) {
      validate = this.ajv.compile(schema);
      this.cache.set(key, validate);
    }
    if (!validate(payload)) {
      const first = validate.errors?.[0];
      const { field, message } = first ? describe(first) : { field: 'payload', message: 'is invalid' };
      throw new InvalidArgumentError(field, `${message} (${decider.aggregateType}.${commandType})`);
    }
  }
}

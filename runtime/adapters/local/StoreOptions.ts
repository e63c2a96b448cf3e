/**
 * Argument checks and defaults shared by the local (in-memory and SQLite) stores, so both reject
 * the same bad read options with the same InvalidArgumentError and apply the same defaults.
 */
import { DuplicateEventError, InvalidArgumentError, type ReadAllOptions, type ReadStreamOptions } from '../../ports';

/** readStream options resolved to plain numbers; `asOfMs` is undefined when no time bound. */
export interface StreamRead {
  readonly direction: 'forward' | 'backward';
  /** Inclusive start version (forward: lowest, backward: highest); backward undefined = the end. */
  readonly fromVersion: number | undefined;
  readonly maxCount: number;
  readonly asOfVersion: number;
  readonly asOfMs: number | undefined;
}

export const DEFAULT_READ_ALL_LIMIT = 500;
/** Largest page readAll returns, whatever the caller asks (bounds memory per call). */
export const MAX_READ_ALL_LIMIT = 10_000;

function nonNegativeInt(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new InvalidArgumentError(field, `must be an integer >= 0, got ${String(value)}`);
  }
  return value;
}

export function checkStreamId(streamId: unknown): string {
  if (typeof streamId !== 'string' || streamId.length === 0) {
    throw new InvalidArgumentError('streamId', `must be a non-empty string, got ${JSON.stringify(streamId)}`);
  }
  return streamId;
}

/** Parses an ISO-8601 string or Date into epoch ms; names `field` when it is not a valid time. */
export function parseTime(field: string, value: string | Date): number {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) throw new InvalidArgumentError(field, `must be an ISO-8601 time or a Date, got ${String(value)}`);
  return ms;
}

export function resolveStreamRead(options: ReadStreamOptions = {}): StreamRead {
  const direction = options.direction ?? 'forward';
  if (direction !== 'forward' && direction !== 'backward') {
    throw new InvalidArgumentError('direction', `must be "forward" or "backward", got ${String(direction)}`);
  }
  return {
    direction,
    fromVersion: options.fromVersion === undefined ? undefined : nonNegativeInt('fromVersion', options.fromVersion),
    maxCount: options.maxCount === undefined ? Number.MAX_SAFE_INTEGER : nonNegativeInt('maxCount', options.maxCount),
    asOfVersion: options.asOfVersion === undefined ? Number.MAX_SAFE_INTEGER : nonNegativeInt('asOfVersion', options.asOfVersion),
    asOfMs: options.asOf === undefined ? undefined : parseTime('asOf', options.asOf),
  };
}

export function resolveReadAllLimit(options: ReadAllOptions = {}): number {
  if (options.limit === undefined) return DEFAULT_READ_ALL_LIMIT;
  const limit = nonNegativeInt('limit', options.limit);
  if (limit === 0) throw new InvalidArgumentError('limit', 'must be at least 1');
  return Math.min(limit, MAX_READ_ALL_LIMIT);
}

/**
 * Local stores issue positions as 16-digit zero-padded sequence numbers: opaque to callers, but
 * sortable as strings and easy to check when a caller hands one back as a checkpoint.
 */
export function formatPosition(seq: number): string {
  return String(seq).padStart(16, '0');
}

export function parsePosition(field: string, value: string | undefined): number {
  if (value === undefined) return 0;
  if (typeof value !== 'string' || !/^\d{1,16}$/.test(value)) {
    throw new InvalidArgumentError(field, `"${String(value)}" is not a checkpoint issued by this store`);
  }
  return Number(value);
}

/**
 * recordedAt never goes backwards within a stream (a wall clock can): an event is stamped with
 * max(clock, previous event's time), so "the stream as of time T" is always a prefix of it.
 */
export function monotonicTime(nowMs: number, previousIso: string | undefined): string {
  const prev = previousIso === undefined ? -Infinity : Date.parse(previousIso);
  return new Date(Math.max(nowMs, prev)).toISOString();
}

/**
 * Idempotency rule of EventStore.append, applied before the version check: given the stream
 * versions already holding each proposed event id (undefined = new), returns undefined when all
 * are new, the stored versions when the append is an exact replay (all ids stored, same order,
 * consecutive), and throws DuplicateEventError for any other overlap.
 */
export function replayedVersions(
  streamId: string,
  eventIds: readonly string[],
  storedVersions: ReadonlyArray<number | undefined>,
): number[] | undefined {
  const found = eventIds.filter((_, i) => storedVersions[i] !== undefined);
  if (found.length === 0) return undefined;
  const versions = storedVersions.filter((v): v is number => v !== undefined);
  const exact = found.length === eventIds.length && versions.every((v, i) => v === versions[0]! + i);
  if (!exact) throw new DuplicateEventError(streamId, found);
  return versions;
}

/**
 * Limits every EventStore adapter enforces identically, chosen to fit the strictest backend:
 * DynamoDB TransactWriteItems (100 items, 4 MB), Cosmos transactional batch (100 ops, 2 MB),
 * Firestore transactions (500 writes, 10 MiB), and the buses (SNS/SQS 256 KiB per message).
 */
import { InvalidArgumentError, NexusError } from './errors';
import type { NewEvent } from './events';

/** Max UTF-8 bytes of JSON.stringify({data, metadata}) for one event. */
export const MAX_EVENT_BYTES = 64 * 1024;
/** Max events in one atomic append (a stream-head write shares the transaction). */
export const MAX_EVENTS_PER_APPEND = 50;
/** Max total bytes of one append. */
export const MAX_APPEND_BYTES = 1024 * 1024;

export class EventTooLargeError extends NexusError {
  readonly code = 'EVENT_TOO_LARGE' as const;
  constructor(readonly streamId: string, readonly eventId: string | undefined, readonly size: number, readonly limit: number) {
    super(
      eventId
        ? `stream ${streamId}: event ${eventId} is ${size} bytes, over the limit of ${limit} bytes`
        : `stream ${streamId}: append is ${size} bytes, over the limit of ${limit} bytes`,
    );
  }
}
export const isEventTooLargeError = (e: unknown): e is EventTooLargeError =>
  typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'EVENT_TOO_LARGE';

const STREAM_ID = /^[A-Za-z0-9][A-Za-z0-9_.:@=+-]{0,199}$/;

/** Size of an event as every adapter counts it. */
export function eventSize(event: Pick<NewEvent, 'data' | 'metadata'>): number {
  return Buffer.byteLength(JSON.stringify({ data: event.data, metadata: event.metadata ?? {} }), 'utf8');
}

/**
 * Validates an append before any I/O: stream id syntax, event shape, limits.
 * Throws InvalidArgumentError or EventTooLargeError naming what is wrong; nothing is stored.
 */
export function validateAppend(streamId: string, events: readonly NewEvent[]): void {
  if (!STREAM_ID.test(streamId)) {
    throw new InvalidArgumentError('streamId', `"${streamId}" must match ${STREAM_ID.source} (no "/", "#", "?", "\\" or spaces)`);
  }
  if (events.length === 0) throw new InvalidArgumentError('events', `stream ${streamId}: an append needs at least one event`);
  if (events.length > MAX_EVENTS_PER_APPEND) {
    throw new InvalidArgumentError('events', `stream ${streamId}: ${events.length} events in one append, the limit is ${MAX_EVENTS_PER_APPEND}`);
  }
  const ids = new Set<string>();
  let total = 0;
  events.forEach((e, i) => {
    if (typeof e.eventId !== 'string' || e.eventId.length === 0 || e.eventId.length > 128) {
      throw new InvalidArgumentError(`events[${i}].eventId`, 'must be a non-empty string of at most 128 characters');
    }
    if (ids.has(e.eventId)) throw new InvalidArgumentError(`events[${i}].eventId`, `${e.eventId} appears twice in one append`);
    ids.add(e.eventId);
    if (typeof e.type !== 'string' || !/^[A-Za-z][A-Za-z0-9_.]{0,127}$/.test(e.type)) {
      throw new InvalidArgumentError(`events[${i}].type`, `"${String(e.type)}" must be an identifier of at most 128 characters`);
    }
    if (!Number.isInteger(e.schemaVersion) || e.schemaVersion < 1) {
      throw new InvalidArgumentError(`events[${i}].schemaVersion`, 'must be an integer >= 1');
    }
    if (typeof e.data !== 'object' || e.data === null || Array.isArray(e.data)) {
      throw new InvalidArgumentError(`events[${i}].data`, 'must be a JSON object');
    }
    const size = eventSize(e);
    if (size > MAX_EVENT_BYTES) throw new EventTooLargeError(streamId, e.eventId, size, MAX_EVENT_BYTES);
    total += size;
  });
  if (total > MAX_APPEND_BYTES) throw new EventTooLargeError(streamId, undefined, total, MAX_APPEND_BYTES);
}

/**
 * How a stream lives in the Cosmos `events` container (ADR 0070): partition key `/streamId`
 * (providers/azure/eventStore.ts), one immutable item per event plus one stream-head item.
 *  - event item id: derived from the event id (`e:<eventId>`, or `h:<sha256>` when the id holds
 *    characters Cosmos forbids in ids), so the store itself rejects a second copy of an event id
 *    in the stream (409 inside the append's transactional batch);
 *  - head item id `~head`: the stream's version, createdAt, updatedAt; its `_etag` is the
 *    optimistic-concurrency token every append replaces with IfMatch;
 *  - `position` = `<ts, 15 digits>!<streamId>!<version, 10 digits>`: the readAll order key
 *    (byte order = (append time, stream, version)), also the event's opaque position.
 * Data and metadata are stored as JSON (Cosmos keeps nested arrays and nulls); system
 * properties (_rid, _etag, _ts, ...) are dropped on the way out.
 */
import { createHash } from 'node:crypto';
import type { NewEvent, StoredEvent } from '../../ports/events';
import { formatTimePosition, parseTimePosition, timePositionTs, type TimePosition } from '../local/timePosition';

export const HEAD_ID = '~head';
export const MAX_VERSION = 9_999_999_999;

export interface EventItem {
  readonly id: string;
  readonly streamId: string;
  readonly kind: 'event';
  readonly version: number;
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: Record<string, unknown>;
  readonly metadata: Record<string, string>;
  readonly recordedAt: string;
  readonly position: string;
}

export interface HeadItem {
  readonly id: typeof HEAD_ID;
  readonly streamId: string;
  readonly kind: 'head';
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

const SAFE_ID = /^[A-Za-z0-9_.:@=+-]{1,128}$/;

/** Item id of an event: readable when the event id is safe for Cosmos, else a hash of it. */
export function eventItemId(eventId: string): string {
  return SAFE_ID.test(eventId) ? `e:${eventId}` : `h:${createHash('sha256').update(eventId, 'utf8').digest('hex')}`;
}

export const formatPosition = formatTimePosition;

/** Parses a position or readAll checkpoint issued by CosmosEventStore; InvalidArgumentError(field) otherwise. */
export const parsePosition = (field: string, value: string): TimePosition => parseTimePosition('CosmosEventStore', field, value);

export const positionTs = timePositionTs;

export function toEventItem(streamId: string, version: number, ts: number, e: NewEvent): EventItem {
  return {
    id: eventItemId(e.eventId),
    streamId,
    kind: 'event',
    version,
    eventId: e.eventId,
    type: e.type,
    schemaVersion: e.schemaVersion,
    data: e.data,
    metadata: (e.metadata ?? {}) as Record<string, string>,
    recordedAt: new Date(ts).toISOString(),
    position: formatPosition(ts, streamId, version),
  };
}

/** A stored (or change-feed) item back as a StoredEvent; undefined for items that are not events. */
export function fromEventItem(raw: Record<string, unknown>): StoredEvent | undefined {
  if (raw['kind'] !== 'event') return undefined;
  const d = raw as unknown as EventItem;
  return {
    streamId: d.streamId,
    version: d.version,
    eventId: d.eventId,
    type: d.type,
    schemaVersion: d.schemaVersion,
    data: d.data,
    metadata: d.metadata ?? {},
    position: d.position,
    recordedAt: d.recordedAt,
  };
}

export function headItem(streamId: string, version: number, createdAt: string, updatedAt: string): HeadItem {
  return { id: HEAD_ID, streamId, kind: 'head', version, createdAt, updatedAt };
}

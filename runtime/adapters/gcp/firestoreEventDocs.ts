/**
 * How an event is laid out in Firestore (ADR 0060): one immutable document per event in the
 * `<prefix>events` collection, id `<streamId>~<version, 10 digits>` (so a stream is one
 * document-id range: no composite index), data and metadata as JSON text (Firestore maps
 * reject nested arrays and undefined), and a `position` string whose byte order is the readAll
 * order: `<ts, 15 digits>!<streamId>!<version, 10 digits>` ('!' sorts below every stream-id
 * character, '~' above, so neither separator can make two streams interleave).
 */
import type { NewEvent, StoredEvent } from '../../ports/events';
import { formatTimePosition, parseTimePosition, timePositionTs, type TimePosition } from '../local/timePosition';

/** The stored document. `ts` is the append's time in epoch ms (the readAll order key). */
export interface EventDoc {
  readonly streamId: string;
  readonly version: number;
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: string;
  readonly metadata: string;
  readonly ts: number;
  readonly recordedAt: string;
  readonly position: string;
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

export const MAX_VERSION = 9_999_999_999;

export function eventDocId(streamId: string, version: number): string {
  return `${streamId}~${pad(version, 10)}`;
}

export const formatPosition = formatTimePosition;

/** Parses a position or readAll checkpoint issued by FirestoreEventStore; InvalidArgumentError(field) otherwise. */
export const parsePosition = (field: string, value: string): TimePosition => parseTimePosition('FirestoreEventStore', field, value);

export const positionTs = timePositionTs;

export function toEventDoc(streamId: string, version: number, ts: number, e: NewEvent): EventDoc {
  return {
    streamId,
    version,
    eventId: e.eventId,
    type: e.type,
    schemaVersion: e.schemaVersion,
    data: JSON.stringify(e.data),
    metadata: JSON.stringify(e.metadata ?? {}),
    ts,
    recordedAt: new Date(ts).toISOString(),
    position: formatPosition(ts, streamId, version),
  };
}

/** Reads a stored document back; `raw` is Firestore's `DocumentSnapshot.data()`. */
export function fromEventDoc(raw: Record<string, unknown>): StoredEvent {
  const d = raw as unknown as EventDoc;
  return {
    streamId: d.streamId,
    version: d.version,
    eventId: d.eventId,
    type: d.type,
    schemaVersion: d.schemaVersion,
    data: JSON.parse(d.data) as Record<string, unknown>,
    metadata: JSON.parse(d.metadata) as StoredEvent['metadata'],
    position: d.position,
    recordedAt: d.recordedAt,
  };
}

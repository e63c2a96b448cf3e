/**
 * Positions of PostgresEventStore (ADR 0142): an event's place in readAll order is the pair
 * (xid, position) — the 64-bit id of the transaction that appended it, then the bigserial taken
 * inside that transaction — written `<xid 16 digits>:<position 16 digits>`. Checkpoints issued
 * before ADR 0142 were a bare 16-digit position (ADR 0080, position = commit order under the
 * global append lock); rows stored then were migrated with xid 0, so such a checkpoint P is
 * (0, P): the unread part of the old log, then everything appended since.
 */
import { InvalidArgumentError, type StoredEvent } from '../../../ports';

/** A readAll order key; both parts are decimal strings (xid8 can exceed 2^53). */
export interface EventKey {
  readonly xid: string;
  readonly position: string;
}

export const START: EventKey = { xid: '0', position: '0' };

const MAX_XID8 = (1n << 64n) - 1n;
const MAX_BIGINT = (1n << 63n) - 1n;
const CURRENT = /^(\d{1,20}):(\d{1,19})$/;
const LEGACY = /^\d{1,16}$/;

const digits = (n: string): string => n.replace(/^0+(?=\d)/, '');

export function formatEventKey(xid: string, position: string): string {
  return `${digits(xid).padStart(16, '0')}:${digits(position).padStart(16, '0')}`;
}

/** Parses a checkpoint or event position this store issued (current or pre-0142 form). */
export function parseEventKey(field: string, value: string | undefined): EventKey {
  if (value === undefined) return START;
  const bad = (): InvalidArgumentError => new InvalidArgumentError(field, `"${String(value)}" is not a checkpoint issued by this store`);
  if (typeof value !== 'string') throw bad();
  if (LEGACY.test(value)) return { xid: '0', position: digits(value) };
  const m = CURRENT.exec(value);
  if (!m || BigInt(m[1]!) > MAX_XID8 || BigInt(m[2]!) > MAX_BIGINT) throw bad();
  return { xid: digits(m[1]!), position: digits(m[2]!) };
}

/** An events row as the store selects it (bigint and xid8 arrive as strings). */
export interface EventRow {
  xid: string;
  position: string;
  stream_id: string;
  version: string;
  event_id: string;
  type: string;
  schema_version: number;
  data: Record<string, unknown>;
  metadata: StoredEvent['metadata'];
  recorded_at: string;
}

export const EVENT_COLUMNS = 'xid, position, stream_id, version, event_id, type, schema_version, data, metadata, recorded_at';

export function toStoredEvent(row: EventRow): StoredEvent {
  return {
    streamId: row.stream_id, version: Number(row.version), eventId: row.event_id, type: row.type,
    schemaVersion: row.schema_version, data: row.data, metadata: row.metadata,
    position: formatEventKey(row.xid, row.position), recordedAt: row.recorded_at,
  };
}

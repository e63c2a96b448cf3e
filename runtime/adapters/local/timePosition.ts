/**
 * The time-ordered position that the document stores without a global sequence (Firestore,
 * Cosmos DB) use for readAll: `<ms since epoch, 15 digits>!<streamId>!<version, 10 digits>`, whose
 * byte order is (append time, stream, version). One codec, so both stores order and parse alike.
 */
import { InvalidArgumentError } from '../../ports/errors';

const pad = (n: number, width: number): string => String(n).padStart(width, '0');
const POSITION = /^(\d{15})!([A-Za-z0-9][A-Za-z0-9_.:@=+-]{0,199})!(\d{10})$/;

export interface TimePosition {
  readonly ts: number;
  readonly streamId: string;
  readonly version: number;
}

export function formatTimePosition(ts: number, streamId: string, version: number): string {
  return `${pad(ts, 15)}!${streamId}!${pad(version, 10)}`;
}

/** Parses a position issued by `store`; InvalidArgumentError naming `field` otherwise. */
export function parseTimePosition(store: string, field: string, value: string): TimePosition {
  const m = typeof value === 'string' ? POSITION.exec(value) : null;
  if (!m) throw new InvalidArgumentError(field, `"${String(value)}" is not a position issued by ${store}`);
  return { ts: Number(m[1]), streamId: m[2]!, version: Number(m[3]) };
}

/** The `ts` part of a position without validating the rest (positions come from the store's own documents). */
export const timePositionTs = (position: string): number => Number(position.slice(0, 15));

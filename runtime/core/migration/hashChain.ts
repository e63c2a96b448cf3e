/**
 * Stream fingerprints for migration verification: a SHA-256 hash chain over each event's
 * (version, event id, type, schema version, data, metadata, recordedAt), with data and metadata
 * in canonical JSON (keys sorted) so that stores which reorder object keys (jsonb, Firestore
 * maps, DynamoDB maps) still agree. Positions are not hashed: each store issues its own.
 */
import { createHash } from 'node:crypto';
import type { StoredEvent } from '../../ports/events';

/** JSON with object keys sorted at every level; undefined members dropped like JSON.stringify. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.keys(value)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}

export const GENESIS = '0'.repeat(64);

/** Next link of a stream's chain. */
export function chainHash(previous: string, e: StoredEvent): string {
  const record = canonicalJson([e.version, e.eventId, e.type, e.schemaVersion, e.data, e.metadata ?? {}, e.recordedAt]);
  return createHash('sha256').update(previous).update('\n').update(record).digest('hex');
}

/** Per-stream summary: event count, last version, chain head, and whether versions were contiguous. */
export interface StreamFingerprint {
  count: number;
  lastVersion: number;
  hash: string;
  /** False when versions were not 1..n in order (a broken stream). */
  contiguous: boolean;
}

export function extend(fp: StreamFingerprint | undefined, e: StoredEvent): StreamFingerprint {
  const f = fp ?? { count: 0, lastVersion: 0, hash: GENESIS, contiguous: true };
  return { count: f.count + 1, lastVersion: e.version, hash: chainHash(f.hash, e), contiguous: f.contiguous && e.version === f.lastVersion + 1 };
}

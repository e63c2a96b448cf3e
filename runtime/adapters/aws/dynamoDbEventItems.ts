/**
 * Event items of the DynamoDB events table (ADR 0050) and their conversion to StoredEvents, and
 * the log-position encoding: one shard → a 16-digit sequence (like the local stores); N shards →
 * "<shard>:<seq>" on a single event, and a vector "<seq0>.<seq1>...." as a readAll checkpoint.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { InvalidArgumentError, type EventMetadata, type NewEvent, type StoredEvent } from '../../ports';
import { ATTR } from './dynamoDbSchema';

export type Item = Record<string, AttributeValue>;

export const S = (value: string): AttributeValue => ({ S: value });
export const N = (value: number): AttributeValue => ({ N: String(value) });

export function str(item: Item | undefined, name: string): string | undefined {
  const v = item?.[name];
  return v && 'S' in v && typeof v.S === 'string' ? v.S : undefined;
}
export function num(item: Item | undefined, name: string): number | undefined {
  const v = item?.[name];
  return v && 'N' in v && typeof v.N === 'string' ? Number(v.N) : undefined;
}

/** Attribute names of an event item besides the keys (short: they are billed per byte). */
export const EV = { type: 't', schemaVersion: 'sv', data: 'd', metadata: 'm', recordedAt: 'at' } as const;
/** Head item attributes (no `v`, so heads stay out of the byVersion LSI). */
export const HEAD = { version: 'hv', createdAt: 'ca', updatedAt: 'ua' } as const;
/** Log shard counter attribute. */
export const COUNTER_SEQ = 'seq';

export function logCounterKey(shard: number): Item {
  return { [ATTR.pk]: S(`$log#${shard}`), [ATTR.sk]: S('$head') };
}

export function eventItem(streamId: string, e: NewEvent, version: number, shard: number, seq: number, recordedAt: string): Item {
  return {
    [ATTR.pk]: S(streamId),
    [ATTR.sk]: S(e.eventId),
    [ATTR.version]: N(version),
    [ATTR.logShard]: S(String(shard)),
    [ATTR.logSeq]: N(seq),
    [EV.type]: S(e.type),
    [EV.schemaVersion]: N(e.schemaVersion),
    [EV.data]: S(JSON.stringify(e.data)),
    [EV.metadata]: S(JSON.stringify(e.metadata ?? {})),
    [EV.recordedAt]: S(recordedAt),
  };
}

/** True for an event item (not a stream head or log counter). */
export function isEventItem(item: Item | undefined): item is Item {
  return num(item, ATTR.version) !== undefined && num(item, ATTR.logSeq) !== undefined;
}

export function formatEventPosition(shards: number, shard: number, seq: number): string {
  return shards === 1 ? String(seq).padStart(16, '0') : `${shard}:${seq}`;
}

export function toStoredEvent(item: Item, shards: number): StoredEvent {
  const shard = Number(str(item, ATTR.logShard) ?? '0');
  const seq = num(item, ATTR.logSeq) ?? 0;
  return {
    streamId: str(item, ATTR.pk)!,
    version: num(item, ATTR.version)!,
    eventId: str(item, ATTR.sk)!,
    type: str(item, EV.type)!,
    schemaVersion: num(item, EV.schemaVersion)!,
    data: JSON.parse(str(item, EV.data) ?? '{}') as Record<string, unknown>,
    metadata: JSON.parse(str(item, EV.metadata) ?? '{}') as EventMetadata,
    position: formatEventPosition(shards, shard, seq),
    recordedAt: str(item, EV.recordedAt)!,
  };
}

/** Per-shard sequence numbers a readAll resumes after; all zero = the start. */
export function parseCheckpoint(shards: number, after: string | undefined): number[] {
  if (after === undefined) return new Array<number>(shards).fill(0);
  if (typeof after === 'string' && shards === 1 && /^\d{1,16}$/.test(after)) return [Number(after)];
  const parts = typeof after === 'string' ? after.split('.') : [];
  if (shards > 1 && parts.length === shards && parts.every((p) => /^\d{1,16}$/.test(p))) return parts.map(Number);
  if (shards > 1 && typeof after === 'string' && /^\d+:\d+$/.test(after)) {
    throw new InvalidArgumentError('after', `"${after}" is a single event's position; with ${shards} log shards resume from a readAll checkpoint or a readAll event's position`);
  }
  throw new InvalidArgumentError('after', `"${String(after)}" is not a checkpoint issued by this store`);
}

export function formatCheckpoint(seqs: readonly number[]): string {
  return seqs.length === 1 ? String(seqs[0]).padStart(16, '0') : seqs.join('.');
}

/** Stable shard of a stream (FNV-1a): all events of one stream share a shard, so per-stream order holds in the log. */
export function shardOf(streamId: string, shards: number): number {
  if (shards === 1) return 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < streamId.length; i++) {
    h ^= streamId.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % shards;
}

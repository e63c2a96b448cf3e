/**
 * What a projection is: a name, the SearchIndex definition of its read model, and one handler
 * per event type. Handlers read and stage documents through a ProjectionContext and make each
 * document idempotent with `guard`: a per-document, per-stream last-applied version, so a
 * redelivered event is a no-op and a missing earlier event is fetched from the store first.
 */
import { NexusError, hasCode } from '../../ports/errors';
import type { StoredEvent } from '../../ports/events';
import type { FieldDefinition, IndexDefinition, SearchDocument } from '../../ports/SearchIndex';

export interface ProjectionContext {
  /** The document as of this event (staged writes of this batch included). */
  get(id: string): Promise<SearchDocument | undefined>;
  /** Stages a whole-document write (committed with the batch). */
  put(doc: SearchDocument): void;
  remove(id: string): void;
  /** Called by `updateOnce` when the event was already applied (counted as a duplicate absorbed). */
  onDuplicate?(): void;
  /** The document when known without a read (staged, or in memory), else NOT_LOADED: lets `updateOnce` skip a promise hop. */
  peek?(id: string): SearchDocument | undefined | typeof NOT_LOADED;
}

/** ProjectionContext.peek: the document is not in memory; `get` reads it. */
export const NOT_LOADED: unique symbol = Symbol('projection document not loaded');

/**
 * Turns stored events into the latest schema version of their type (the governed pipeline's
 * `afterRead`): projections then read one shape per event type, whatever version was stored.
 */
export type Upcast = (events: readonly StoredEvent[]) => StoredEvent[];

/** Applies one event through the context; whatever the promise resolves to is ignored. */
export type ProjectionHandler = (event: StoredEvent, ctx: ProjectionContext) => Promise<unknown>;

export interface ProjectionDefinition {
  /** Stable name: consumer group `projection.<name>`, checkpoints `projection:<name>:*`. */
  readonly name: string;
  /** Read model fields; the base adds `tenant` (keyword) and `appliedVersions` (bookkeeping). */
  readonly index: IndexDefinition;
  readonly handlers: Readonly<Record<string, ProjectionHandler>>;
}

export const TENANT_FIELD: FieldDefinition = { name: 'tenant', type: 'keyword', sortable: false };
/** JSON map streamId → last applied version; not filterable, sortable or searchable. */
export const APPLIED_FIELD: FieldDefinition = { name: 'appliedVersions', type: 'keyword', filterable: false, sortable: false, searchable: false };

export function indexDefinitionOf(p: ProjectionDefinition): IndexDefinition {
  const own = p.index.fields.filter((f) => f.name !== TENANT_FIELD.name && f.name !== APPLIED_FIELD.name);
  return { fields: [...own, TENANT_FIELD, APPLIED_FIELD] };
}

/** An earlier event of a stream has not been applied to a document yet: fetch it from the store and apply it first. */
export class ProjectionGapError extends NexusError {
  readonly code = 'PROJECTION_GAP' as const;
  override readonly retryable = true;
  constructor(readonly streamId: string, readonly fromVersion: number, readonly toVersion: number) {
    super(`stream ${streamId}: versions ${fromVersion}..${toVersion} not yet applied to the read model`);
  }
}
export const isProjectionGapError = (e: unknown): e is ProjectionGapError => hasCode(e, 'PROJECTION_GAP');

/**
 * A JSON-map field of a document: stored as canonical JSON text, but kept as an object while a
 * batch is being applied (the engine serialises it when it writes), so a document touched by
 * thousands of events in a rebuild is parsed once, not once per event. Treat the object as
 * immutable: it may be shared with the previous version of the document.
 */
export function jsonMap<T>(doc: SearchDocument | undefined, field: string): Record<string, T> {
  const raw = doc?.[field];
  if (typeof raw === 'string') return raw.length > 0 ? (JSON.parse(raw) as Record<string, T>) : {};
  if (raw instanceof Map) return Object.fromEntries(raw as Map<string, T>);
  return raw !== null && typeof raw === 'object' ? (raw as Record<string, T>) : {};
}

/** A JSON-array field of a document, kept as an array while a batch is applied (as jsonMap). */
export function jsonArray<T>(doc: SearchDocument | undefined, field: string): readonly T[] {
  const raw = doc?.[field];
  if (typeof raw === 'string') return raw.length > 0 ? (JSON.parse(raw) as T[]) : [];
  return Array.isArray(raw) ? (raw as T[]) : [];
}

export function appliedVersions(doc: SearchDocument | undefined): Record<string, number> {
  return jsonMap<number>(doc, APPLIED_FIELD.name);
}

const NOTHING_APPLIED: ReadonlyMap<string, number> = new Map();

/**
 * The applied versions of a document as a Map: that is how a batch keeps them (copying a Map
 * per event is cheap; an object keyed by ever-new stream ids is not), text when stored.
 */
function appliedMap(doc: SearchDocument | undefined): ReadonlyMap<string, number> {
  const raw = doc?.appliedVersions;
  if (raw instanceof Map) return raw as ReadonlyMap<string, number>;
  if (raw === undefined || raw === null || raw === '') return NOTHING_APPLIED;
  return new Map(Object.entries(typeof raw === 'string' ? (JSON.parse(raw) as Record<string, number>) : (raw as Record<string, number>)));
}

/** The document as stored: object-valued fields (maps too) become canonical JSON text, arrays JSON text. */
export function serializeDocument(doc: SearchDocument): SearchDocument {
  let out: Record<string, unknown> | undefined;
  for (const k in doc) {
    const v = doc[k];
    if (v !== null && typeof v === 'object') {
      out ??= { ...doc };
      out[k] = Array.isArray(v) ? JSON.stringify(v) : v instanceof Map ? canonicalMapJson(v as ReadonlyMap<string, unknown>) : canonicalJson(v as Record<string, unknown>);
    }
  }
  return (out as SearchDocument | undefined) ?? doc;
}

/**
 * Decides whether `event` applies to `doc`: 'duplicate' when already applied; throws
 * ProjectionGapError when an earlier version of its stream is missing (delivery gaps, an
 * index swapped mid-stream); 'apply' otherwise. A stream's first event may be any version
 * only when `firstVersion` says so (default: documents start at the stream's version 1).
 */
export function guard(doc: SearchDocument | undefined, event: StoredEvent, firstVersion: 'any' | 1 = 1): 'apply' | 'duplicate' {
  const last = appliedMap(doc).get(event.streamId);
  if (last !== undefined && event.version <= last) return 'duplicate';
  const expected = last === undefined ? (firstVersion === 'any' ? event.version : 1) : last + 1;
  if (event.version > expected) throw new ProjectionGapError(event.streamId, expected, event.version - 1);
  return 'apply';
}

function copyEntry(this: Map<string, number>, version: number, stream: string): void {
  this.set(stream, version);
}

/** Returns the document with `event` recorded as applied (a copy: `doc` and `previous` are not changed). */
export function markApplied<T extends SearchDocument>(doc: T, event: StoredEvent, previous?: SearchDocument): T {
  const applied = new Map<string, number>();
  appliedMap(previous ?? doc).forEach(copyEntry, applied);
  applied.set(event.streamId, event.version);
  const out: Record<string, unknown> = { ...doc };
  out.tenant = tenantOf(event);
  out.appliedVersions = applied;
  return out as T;
}

/**
 * The common case in one call: guard, compute the next document (undefined = leave as is),
 * stage it with the applied version recorded. Returns false for a duplicate.
 */
export function updateOnce<T extends SearchDocument>(
  ctx: ProjectionContext,
  id: string,
  event: StoredEvent,
  next: (current: T | undefined) => T | undefined,
): Promise<boolean> {
  // Runs once per event in a rebuild: with the document in memory, no read and no promise chain.
  const known = ctx.peek ? ctx.peek(id) : NOT_LOADED;
  if (known === NOT_LOADED) return ctx.get(id).then((found) => updateNow(ctx, found as T | undefined, event, next));
  try {
    return Promise.resolve(updateNow(ctx, known as T | undefined, event, next));
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}

function updateNow<T extends SearchDocument>(ctx: ProjectionContext, current: T | undefined, event: StoredEvent, next: (current: T | undefined) => T | undefined): boolean {
  if (guard(current, event) === 'duplicate') {
    ctx.onDuplicate?.();
    return false;
  }
  const doc = next(current);
  if (doc) ctx.put(markApplied(doc, event, current));
  return true;
}

/**
 * JSON with keys sorted: a document's bookkeeping must not depend on the order in which
 * streams were applied (live delivery order differs from a rebuild's read-all order).
 */
export function canonicalJson(map: Readonly<Record<string, unknown>>): string {
  const keys = Object.keys(map);
  if (keys.length === 1) return JSON.stringify(map);
  keys.sort();
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = map[k];
  return JSON.stringify(out);
}

/**
 * canonicalJson of a Map with string keys that are never array indices (stream ids), built as
 * text: no object per document whose shape V8 would have to learn for every new stream id.
 */
function canonicalMapJson(map: ReadonlyMap<string, unknown>): string {
  const keys = [...map.keys()].sort();
  let out = '{';
  for (let i = 0; i < keys.length; i++) out += `${i > 0 ? ',' : ''}${JSON.stringify(keys[i])}:${JSON.stringify(map.get(keys[i]!))}`;
  return `${out}}`;
}

/** The tenant of an event (every Nexus stream id is tenant-qualified). */
export function tenantOf(event: StoredEvent): string {
  return event.metadata.tenant ?? event.streamId.slice(0, Math.max(0, event.streamId.indexOf(':')));
}

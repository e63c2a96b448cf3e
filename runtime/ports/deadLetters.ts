/**
 * The shared meaning of the DeadLetterQueue's filters and paging (ADR 0134), so every adapter
 * validates, matches and orders dead letters the same way: a dead letter's tenant is its
 * envelope's `tenant` extension; the queue's order is deadLetteredAt, then id (ascending, code
 * point order); a page continues strictly after a position in that order (keyset), which stays
 * valid when the dead letter it names is redriven or purged in between. Pure functions, no I/O.
 */
import type { BusMessage, DeadLetter, DeadLetterFilter, DeadLetterListOptions, DeadLetterPosition } from './EventBus';
import { compareCheckpointNames as compareCodePoints } from './CheckpointStore';
import { InvalidArgumentError } from './errors';

/** list() without a limit returns at most this many. */
export const DEFAULT_DEAD_LETTER_PAGE = 100;

export interface NormalizedDeadLetterQuery {
  readonly group?: string;
  readonly tenant?: string;
  readonly limit: number;
  readonly after?: DeadLetterPosition;
}

/** The tenant a message belongs to: its envelope's `tenant` extension when that is a string. */
export function tenantOfMessage(message: BusMessage): string | undefined {
  const t = message.envelope.tenant;
  return typeof t === 'string' ? t : undefined;
}

export const tenantOfDeadLetter = (d: DeadLetter): string | undefined => tenantOfMessage(d.message);

function optionalName(field: string, v: unknown): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.length === 0) throw new InvalidArgumentError(field, `must be a non-empty string when given, got ${JSON.stringify(v)}`);
  return v;
}

/** Validates a filter; a bare string is a group (count's signature before ADR 0134). */
export function normalizeDeadLetterFilter(filter: DeadLetterFilter | string | undefined): DeadLetterFilter {
  if (filter === undefined) return {};
  if (typeof filter === 'string') return { group: optionalName('group', filter) };
  if (typeof filter !== 'object' || filter === null) throw new InvalidArgumentError('filter', 'must be an object with optional group and tenant');
  const group = optionalName('group', filter.group);
  const tenant = optionalName('tenant', filter.tenant);
  return { ...(group !== undefined ? { group } : {}), ...(tenant !== undefined ? { tenant } : {}) };
}

/** What purge() deletes: these ids, or every dead letter matching the filter ({}: all). */
export type PurgeTarget = { readonly ids: readonly string[] } | { readonly filter: DeadLetterFilter };

/** purge()'s argument: an id list (each a string), or a validated filter (absent: all). */
export function normalizePurgeTarget(target: readonly string[] | DeadLetterFilter | undefined): PurgeTarget {
  if (Array.isArray(target)) {
    const ids: readonly unknown[] = target;
    ids.forEach((id, i) => {
      if (typeof id !== 'string') throw new InvalidArgumentError(`ids[${i}]`, `must be a dead-letter id (string), got ${JSON.stringify(id)}`);
    });
    return { ids: ids as readonly string[] };
  }
  return { filter: normalizeDeadLetterFilter(target as DeadLetterFilter | undefined) };
}

/** Whether a scanned dead letter is one a purge target names. */
export function purgeSelects(target: PurgeTarget): (d: DeadLetter) => boolean {
  if ('ids' in target) {
    const ids = new Set(target.ids);
    return (d) => ids.has(d.id);
  }
  return (d) => matchesDeadLetterFilter(d, target.filter);
}

export function normalizeDeadLetterQuery(options: DeadLetterListOptions = {}): NormalizedDeadLetterQuery {
  const filter = normalizeDeadLetterFilter(options);
  const limit = options.limit ?? DEFAULT_DEAD_LETTER_PAGE;
  if (!Number.isSafeInteger(limit) || limit < 1) throw new InvalidArgumentError('limit', `must be an integer >= 1, got ${String(limit)}`);
  const after = options.after;
  if (after !== undefined) {
    if (typeof after !== 'object' || after === null || typeof after.id !== 'string' || typeof after.deadLetteredAt !== 'string') {
      throw new InvalidArgumentError('after', 'must be a dead letter position { id, deadLetteredAt } (the last dead letter of the previous page)');
    }
    if (Number.isNaN(Date.parse(after.deadLetteredAt))) throw new InvalidArgumentError('after.deadLetteredAt', `"${after.deadLetteredAt}" is not an ISO-8601 time`);
  }
  return { ...filter, limit, ...(after !== undefined ? { after: { id: after.id, deadLetteredAt: after.deadLetteredAt } } : {}) };
}

export function matchesDeadLetterFilter(d: DeadLetter, filter: DeadLetterFilter): boolean {
  return (filter.group === undefined || d.group === filter.group) && (filter.tenant === undefined || tenantOfDeadLetter(d) === filter.tenant);
}

/**
 * The queue's order: deadLetteredAt, then id, both in Unicode code point order (ADR 0139's
 * comparator): the UTF-8 byte order SQLite compares by, so the in-process adapters agree with it.
 */
export const compareDeadLetters = (a: DeadLetterPosition, b: DeadLetterPosition): number =>
  compareCodePoints(a.deadLetteredAt, b.deadLetteredAt) || compareCodePoints(a.id, b.id);

/**
 * One page of an in-process scan (adapters whose store cannot filter: SQS, Pub/Sub pull, the
 * in-memory bus): filter, order, continue after the position, cut at the limit.
 */
export function pageOf(all: Iterable<DeadLetter>, q: NormalizedDeadLetterQuery): DeadLetter[] {
  const after = q.after;
  return [...all]
    .filter((d) => matchesDeadLetterFilter(d, q) && (after === undefined || compareDeadLetters(d, after) > 0))
    .sort(compareDeadLetters)
    .slice(0, q.limit);
}

/** Dead letters per group of an in-process scan. */
export function countByGroupOf(all: Iterable<DeadLetter>, filter: DeadLetterFilter): Map<string, number> {
  const out = new Map<string, number>();
  for (const d of all) if (matchesDeadLetterFilter(d, filter)) out.set(d.group, (out.get(d.group) ?? 0) + 1);
  return out;
}

/** A position as an opaque string for HTTP and the CLI (base64url of [deadLetteredAt, id]). */
export const encodeDeadLetterCursor = (p: DeadLetterPosition): string =>
  Buffer.from(JSON.stringify([p.deadLetteredAt, p.id]), 'utf8').toString('base64url');

export function decodeDeadLetterCursor(cursor: string, field = 'cursor'): DeadLetterPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2 || typeof parsed[0] !== 'string' || typeof parsed[1] !== 'string' || Number.isNaN(Date.parse(parsed[0]))) {
    throw new InvalidArgumentError(field, `"${cursor}" is not a dead-letter cursor (pass the nextCursor of the previous page)`);
  }
  return { deadLetteredAt: parsed[0], id: parsed[1] };
}

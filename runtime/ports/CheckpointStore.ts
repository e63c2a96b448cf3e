/**
 * CheckpointStore port: named positions (projection checkpoints, relay positions, migration
 * progress) with compare-and-set, plus first-writer-wins idempotency records with a TTL.
 */
import { InvalidArgumentError, NexusError, hasCode } from './errors';

/** Bounds of CheckpointStore.list. */
export interface CheckpointListOptions {
  /** Only names <= this one (inclusive, in name order); default: no upper bound. */
  readonly to?: string;
  /** At most this many entries, the first ones in name order; a positive integer; default: all. */
  readonly limit?: number;
}

export interface CheckpointStore {
  get(name: string): Promise<string | undefined>;
  /**
   * Stores a checkpoint. With `expected`, stores only if the current value equals it
   * (undefined = absent), else throws CheckpointConflictError.
   */
  set(name: string, value: string, expected?: { readonly current: string | undefined }): Promise<void>;
  delete(name: string): Promise<void>;
  /**
   * Names with the prefix in ascending name order; with `to`, only names <= `to`; with `limit`,
   * only the first `limit` of them. Adapters push the range and the limit into the backend query,
   * so a bounded list reads about what it returns, not the whole prefix.
   *
   * Name order is Unicode code point order (compareCheckpointNames): the UTF-8 byte order that
   * SQLite (BINARY), PostgreSQL (COLLATE "C"), DynamoDB and Firestore compare strings by. It equals
   * JavaScript's `<` (UTF-16 code units) unless two names differ first at a character above U+FFFF
   * against one in U+E000..U+FFFF. Cosmos DB orders by UTF-16 code units (ADR 0139), so only
   * names without characters above U+FFFF (ASCII always qualifies) order the same on every adapter.
   *
   * Throws InvalidArgumentError naming `prefix`, `to`, `limit` or `options` when one is malformed.
   */
  list(prefix?: string, options?: CheckpointListOptions): Promise<Array<{ name: string; value: string }>>;
  close(): Promise<void>;
}

export class CheckpointConflictError extends NexusError {
  readonly code = 'CHECKPOINT_CONFLICT' as const;
  constructor(readonly checkpoint: string, readonly expected: string | undefined, readonly actual: string | undefined) {
    super(`checkpoint ${checkpoint}: expected ${expected ?? '<absent>'}, found ${actual ?? '<absent>'}`);
  }
}
export const isCheckpointConflictError = (e: unknown): e is CheckpointConflictError => hasCode(e, 'CHECKPOINT_CONFLICT');

/**
 * The port's name order: Unicode code point order (= UTF-8 byte order). JavaScript's `<` compares
 * UTF-16 code units, which puts characters above U+FFFF (surrogate pairs, 0xD800..0xDFFF) before
 * U+E000..U+FFFF; this comparator moves surrogates after them, as code point order has it.
 */
export function compareCheckpointNames(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x < y ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** Backends cap their limits at 32-bit integers (Firestore, Cosmos TOP); no store holds more names. */
const MAX_LIMIT = 2 ** 31 - 1;

/** A lone surrogate cannot be encoded as UTF-8, so a backend would compare something else. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function checkBound(field: string, value: unknown): string {
  if (typeof value !== 'string') throw new InvalidArgumentError(field, `must be a string, got ${value === null ? 'null' : typeof value}`);
  if (LONE_SURROGATE.test(value)) throw new InvalidArgumentError(field, 'must be well-formed UTF-16 (it holds a lone surrogate)');
  return value;
}

/**
 * Validates list()'s arguments for every adapter: `prefix` and `to` well-formed strings, `limit`
 * a positive integer (values above 2^31-1 mean "all" and are clamped to it).
 */
export function checkCheckpointListArgs(prefix: unknown, options: unknown): { prefix: string; to?: string; limit?: number } {
  const p = checkBound('prefix', prefix === undefined ? '' : prefix);
  if (options === undefined) return { prefix: p };
  if (typeof options !== 'object' || options === null) throw new InvalidArgumentError('options', `must be an object, got ${options === null ? 'null' : typeof options}`);
  const { to, limit } = options as { to?: unknown; limit?: unknown };
  const out: { prefix: string; to?: string; limit?: number } = { prefix: p };
  if (to !== undefined) out.to = checkBound('to', to);
  if (limit !== undefined) {
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1) {
      throw new InvalidArgumentError('limit', `must be a positive integer, got ${typeof limit === 'number' ? String(limit) : typeof limit}`);
    }
    out.limit = Math.min(limit, MAX_LIMIT);
  }
  return out;
}

/**
 * The names list(prefix, { to }) may return, as one contiguous range in name order with at most
 * one upper bound: `[from, through]` when `to` itself has the prefix, else `[from, before)` where
 * `before` is the first string after every name with the prefix (absent when there is none).
 * Undefined when the range is empty (`to` sorts before the prefix).
 */
export function checkpointNameRange(prefix: string, to: string | undefined): { from: string; through?: string; before?: string } | undefined {
  if (to !== undefined) {
    if (compareCheckpointNames(to, prefix) < 0) return undefined;
    if (to.startsWith(prefix)) return { from: prefix, through: to };
    // Otherwise `to` sorts after every name with the prefix: the prefix alone bounds the range.
  }
  const before = prefixEnd(prefix);
  return before === undefined ? { from: prefix } : { from: prefix, before };
}

/** The smallest string greater than every string that starts with `prefix`: its last code point incremented. */
function prefixEnd(prefix: string): string | undefined {
  const points = [...prefix];
  while (points.length > 0 && points[points.length - 1] === '\u{10FFFF}') points.pop();
  const last = points.pop();
  if (last === undefined) return undefined;
  const cp = last.codePointAt(0)!;
  return points.join('') + String.fromCodePoint(cp === 0xd7ff ? 0xe000 : cp + 1);
}

export interface IdempotencyRecord {
  readonly key: string;
  /** JSON-serialisable result of the first execution. */
  readonly value: unknown;
  readonly storedAt: string;
  readonly expiresAt: string;
}

/** Command idempotency: the first result stored under a key wins until it expires. */
export interface IdempotencyStore {
  /** Stores the record if the key is absent or expired; returns the record now in force. */
  putIfAbsent(key: string, value: unknown, ttlSeconds: number): Promise<{ stored: boolean; record: IdempotencyRecord }>;
  get(key: string): Promise<IdempotencyRecord | undefined>;
  close(): Promise<void>;
}

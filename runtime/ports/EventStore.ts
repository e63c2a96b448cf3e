/**
 * EventStore port: append-only streams with optimistic concurrency, stream reads (forward,
 * backward, as of a version or a time), and a resumable read of every event in the store.
 * Stored events are immutable: this port has no update and no delete, by design.
 */
import { NexusError, hasCode } from './errors';
import type { NewEvent, StoredEvent } from './events';

/**
 * - 'any': append whatever the current version is.
 * - 'no_stream': the stream must not exist yet (same as the number 0).
 * - n: the stream's current version must be exactly n.
 */
export type ExpectedVersion = 'any' | 'no_stream' | number;

export interface AppendResult {
  readonly streamId: string;
  /** Stream version after the append (version of the last event appended). */
  readonly nextVersion: number;
  /** Position of the last event appended (opaque, see StoredEvent.position). */
  readonly position: string;
  /** The events as stored (on an idempotent replay: as first stored). */
  readonly events: readonly StoredEvent[];
  /** True when every event id was already in the stream: nothing was written. */
  readonly idempotentReplay: boolean;
}

export interface ReadStreamOptions {
  /** Default 'forward'. */
  readonly direction?: 'forward' | 'backward';
  /** Inclusive start: forward default 1, backward default the last version. */
  readonly fromVersion?: number;
  /** Max events returned; default unbounded. */
  readonly maxCount?: number;
  /** Only events with version <= asOfVersion (the stream as it was at that version). */
  readonly asOfVersion?: number;
  /** Only events recorded at or before this time (ISO-8601 or Date). */
  readonly asOf?: string | Date;
}

export interface ReadAllOptions {
  /** Resume after this checkpoint (a StoredEvent.position or a ReadAllPage.checkpoint); default: the start. */
  readonly after?: string;
  /** Page size; default 500, adapters may return fewer. */
  readonly limit?: number;
}

export interface ReadAllPage {
  readonly events: readonly StoredEvent[];
  /** Pass as `after` to continue; equals the input `after` when nothing new was found. */
  readonly checkpoint: string | undefined;
  /** True when the page reached the current end of the log. */
  readonly isEnd: boolean;
}

export interface StreamInfo {
  readonly streamId: string;
  readonly exists: boolean;
  /** Current version; 0 when the stream does not exist. */
  readonly version: number;
  readonly createdAt?: string;
  readonly updatedAt?: string;
}

/**
 * Order of readAll: each adapter documents it (docs/capabilities.md). Every adapter guarantees:
 * per-stream version order; resuming from a checkpoint never repeats and never skips an event
 * that was committed before the read began; events committed later appear on a later read.
 */
export interface EventStore {
  /**
   * Appends events atomically (all or none) if the stream is at the expected version.
   * Throws ConcurrencyError (expected vs actual), EventTooLargeError, InvalidArgumentError,
   * DuplicateEventError (some but not all ids already stored), UnavailableError (retryable).
   * Re-appending exactly the event ids already stored in this stream (same order) returns the
   * original result with idempotentReplay = true, whatever the expected version.
   */
  append(streamId: string, events: readonly NewEvent[], expected?: ExpectedVersion): Promise<AppendResult>;
  /** Reads one stream; an unknown stream reads as empty. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]>;
  readAll(options?: ReadAllOptions): Promise<ReadAllPage>;
  streamInfo(streamId: string): Promise<StreamInfo>;
  close(): Promise<void>;
}

export class ConcurrencyError extends NexusError {
  readonly code = 'CONCURRENCY_CONFLICT' as const;
  /** Conflicts are retryable by the command handler (reload, decide again). */
  override readonly retryable = true;
  constructor(readonly streamId: string, readonly expected: ExpectedVersion, readonly actual: number) {
    super(`stream ${streamId}: expected version ${String(expected)}, found ${actual}`);
  }
}
export const isConcurrencyError = (e: unknown): e is ConcurrencyError => hasCode(e, 'CONCURRENCY_CONFLICT');

export class DuplicateEventError extends NexusError {
  readonly code = 'DUPLICATE_EVENT' as const;
  constructor(readonly streamId: string, readonly eventIds: readonly string[]) {
    super(`stream ${streamId}: event id(s) ${eventIds.join(', ')} already stored with other events in the same append`);
  }
}
export const isDuplicateEventError = (e: unknown): e is DuplicateEventError => hasCode(e, 'DUPLICATE_EVENT');

/** Version check helper every adapter uses so that the rules are identical. */
export function versionMatches(expected: ExpectedVersion | undefined, actual: number): boolean {
  if (expected === undefined || expected === 'any') return true;
  if (expected === 'no_stream') return actual === 0;
  return expected === actual;
}

/**
 * CheckpointStore port: named positions (projection checkpoints, relay positions, migration
 * progress) with compare-and-set, plus first-writer-wins idempotency records with a TTL.
 */
import { NexusError, hasCode } from './errors';

export interface CheckpointStore {
  get(name: string): Promise<string | undefined>;
  /**
   * Stores a checkpoint. With `expected`, stores only if the current value equals it
   * (undefined = absent), else throws CheckpointConflictError.
   */
  set(name: string, value: string, expected?: { readonly current: string | undefined }): Promise<void>;
  delete(name: string): Promise<void>;
  /** Names with the prefix, sorted. */
  list(prefix?: string): Promise<Array<{ name: string; value: string }>>;
  close(): Promise<void>;
}

export class CheckpointConflictError extends NexusError {
  readonly code = 'CHECKPOINT_CONFLICT' as const;
  constructor(readonly checkpoint: string, readonly expected: string | undefined, readonly actual: string | undefined) {
    super(`checkpoint ${checkpoint}: expected ${expected ?? '<absent>'}, found ${actual ?? '<absent>'}`);
  }
}
export const isCheckpointConflictError = (e: unknown): e is CheckpointConflictError => hasCode(e, 'CHECKPOINT_CONFLICT');

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

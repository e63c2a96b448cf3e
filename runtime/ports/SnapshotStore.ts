/** SnapshotStore port: an aggregate's folded state at a stream version, kept per stream. */
import { NexusError, hasCode } from './errors';

export interface Snapshot {
  readonly streamId: string;
  readonly aggregateType: string;
  /** Stream version the state includes (events 1..version folded). */
  readonly version: number;
  /**
   * Version of the state's shape; a loader ignores snapshots whose stateVersion differs
   * from the aggregate's current one instead of loading them wrongly.
   */
  readonly stateVersion: number;
  readonly state: unknown;
  /** ISO-8601 time the snapshot was taken. */
  readonly takenAt: string;
}

export interface LoadSnapshotOptions {
  /** Latest snapshot whose version is <= this (temporal reads); default: the latest. */
  readonly maxVersion?: number;
  /** Only snapshots of this state shape; others are skipped as if absent. */
  readonly stateVersion?: number;
}

export interface SnapshotStore {
  /** Saves a snapshot; saving the same (streamId, version) again replaces it. */
  save(snapshot: Snapshot): Promise<void>;
  /** Latest snapshot matching the options, or undefined. */
  load(streamId: string, options?: LoadSnapshotOptions): Promise<Snapshot | undefined>;
  close(): Promise<void>;
}

export class SnapshotTooLargeError extends NexusError {
  readonly code = 'SNAPSHOT_TOO_LARGE' as const;
  constructor(readonly streamId: string, readonly size: number, readonly limit: number) {
    super(`snapshot of stream ${streamId} is ${size} bytes, over the limit of ${limit} bytes`);
  }
}
export const isSnapshotTooLargeError = (e: unknown): e is SnapshotTooLargeError => hasCode(e, 'SNAPSHOT_TOO_LARGE');
/** Max UTF-8 bytes of JSON.stringify(state), sized for DynamoDB's 400 KB item limit. */
export const MAX_SNAPSHOT_BYTES = 350 * 1024;

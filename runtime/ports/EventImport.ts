/**
 * EventImporter (optional capability of an EventStore's backend, used by `nexus migrate`):
 * writes events that were already stored elsewhere, keeping their event id, stream version,
 * type, schema version, data, metadata and recordedAt. The target assigns its own positions.
 */
import { NexusError, hasCode } from './errors';
import type { StoredEvent } from './events';

export interface ImportResult {
  /** Events written by this call. */
  readonly imported: number;
  /** Events already present in the target with the same id at the same version (a re-run). */
  readonly skipped: number;
}

export interface EventImporter {
  /**
   * Imports a contiguous, ascending run of one stream's events. Idempotent: events already in
   * the target (same id at the same version) are skipped, so a re-run or a resume after a crash
   * writes nothing twice. Throws ImportConflictError when the target holds a different event at
   * one of these versions, or when the run would leave a gap (its first version is past the
   * target's version + 1).
   */
  importEvents(streamId: string, events: readonly StoredEvent[]): Promise<ImportResult>;
  /**
   * Optional batched form: several streams' runs in one call (one transaction where the backend
   * has them), same rules as importEvents. Callers fall back to importEvents when absent.
   */
  importStreams?(runs: ReadonlyArray<{ readonly streamId: string; readonly events: readonly StoredEvent[] }>): Promise<ImportResult>;
}

export class ImportConflictError extends NexusError {
  readonly code = 'IMPORT_CONFLICT' as const;
  constructor(readonly streamId: string, readonly version: number, detail: string) {
    super(`stream ${streamId} v${version}: ${detail}`);
  }
}
export const isImportConflictError = (e: unknown): e is ImportConflictError => hasCode(e, 'IMPORT_CONFLICT');

export function isEventImporter(x: unknown): x is EventImporter {
  return typeof x === 'object' && x !== null && typeof (x as { importEvents?: unknown }).importEvents === 'function';
}

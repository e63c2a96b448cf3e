/**
 * Snapshot argument checks shared by every snapshot store (same errors everywhere), and the
 * document shape of the stores that keep a snapshot as one JSON document (Firestore, Cosmos DB).
 */
import {
  InvalidArgumentError, MAX_SNAPSHOT_BYTES, SnapshotTooLargeError, type LoadSnapshotOptions, type Snapshot,
} from '../../ports';
import { checkStreamId, parseTime } from './StoreOptions';

function isNonNegativeInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

/** Validates a snapshot and returns its state as JSON (the bytes that are stored). */
export function checkSnapshot(snapshot: Snapshot): string {
  checkStreamId(snapshot.streamId);
  if (typeof snapshot.aggregateType !== 'string' || snapshot.aggregateType.length === 0) {
    throw new InvalidArgumentError('aggregateType', 'must be a non-empty string');
  }
  if (!isNonNegativeInt(snapshot.version)) throw new InvalidArgumentError('version', `must be an integer >= 0, got ${String(snapshot.version)}`);
  if (!isNonNegativeInt(snapshot.stateVersion)) {
    throw new InvalidArgumentError('stateVersion', `must be an integer >= 0, got ${String(snapshot.stateVersion)}`);
  }
  parseTime('takenAt', snapshot.takenAt);
  const json = JSON.stringify(snapshot.state);
  if (json === undefined) throw new InvalidArgumentError('state', 'must be JSON-serialisable');
  const size = Buffer.byteLength(json, 'utf8');
  if (size > MAX_SNAPSHOT_BYTES) throw new SnapshotTooLargeError(snapshot.streamId, size, MAX_SNAPSHOT_BYTES);
  return json;
}

export function checkLoadOptions(streamId: string, options: LoadSnapshotOptions): void {
  checkStreamId(streamId);
  if (options.maxVersion !== undefined && !isNonNegativeInt(options.maxVersion)) {
    throw new InvalidArgumentError('maxVersion', `must be an integer >= 0, got ${String(options.maxVersion)}`);
  }
  if (options.stateVersion !== undefined && !isNonNegativeInt(options.stateVersion)) {
    throw new InvalidArgumentError('stateVersion', `must be an integer >= 0, got ${String(options.stateVersion)}`);
  }
}

/** A snapshot as one document: the state as its JSON text (the bytes checkSnapshot measured). */
export interface SnapshotRecord {
  readonly streamId: string;
  readonly aggregateType: string;
  readonly version: number;
  readonly stateVersion: number;
  readonly state: string;
  readonly takenAt: string;
}

/** Checks a snapshot (checkSnapshot) and returns the document to store. */
export function toSnapshotRecord(snapshot: Snapshot): SnapshotRecord {
  const state = checkSnapshot(snapshot);
  return { streamId: snapshot.streamId, aggregateType: snapshot.aggregateType, version: snapshot.version, stateVersion: snapshot.stateVersion, state, takenAt: snapshot.takenAt };
}

export function fromSnapshotRecord(d: SnapshotRecord): Snapshot {
  return { streamId: d.streamId, aggregateType: d.aggregateType, version: d.version, stateVersion: d.stateVersion, state: JSON.parse(d.state) as unknown, takenAt: d.takenAt };
}

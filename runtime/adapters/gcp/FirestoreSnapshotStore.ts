/**
 * SnapshotStore on Cloud Firestore: one document per (stream, version) in `<prefix>snapshots`,
 * id `<streamId>~<version, 10 digits>`, state as JSON text. A load is one query on (streamId, [stateVersion,]
 * version) ordered descending with limit 1 (1 billable read), optionally filtered by stateVersion.
 */
import { type CollectionReference, type Firestore } from '@google-cloud/firestore';
import type { LoadSnapshotOptions, Snapshot, SnapshotStore } from '../../ports';
import { checkLoadOptions, fromSnapshotRecord, toSnapshotRecord, type SnapshotRecord } from '../local/SnapshotRules';
import { MAX_VERSION, eventDocId } from './firestoreEventDocs';
import { guarded } from './googleErrors';

export interface FirestoreSnapshotStoreOptions {
  readonly firestore: Firestore;
  readonly collectionPrefix: string;
}

const SERVICE = 'Firestore snapshot store';

export class FirestoreSnapshotStore implements SnapshotStore {
  readonly snapshots: CollectionReference;

  constructor(private readonly options: FirestoreSnapshotStoreOptions) {
    this.snapshots = options.firestore.collection(`${options.collectionPrefix}snapshots`);
  }

  async save(snapshot: Snapshot): Promise<void> {
    const doc = toSnapshotRecord(snapshot);
    await guarded(SERVICE, () => this.snapshots.doc(eventDocId(snapshot.streamId, snapshot.version)).set(doc));
  }

  async load(streamId: string, options: LoadSnapshotOptions = {}): Promise<Snapshot | undefined> {
    checkLoadOptions(streamId, options);
    const top = Math.min(options.maxVersion ?? MAX_VERSION, MAX_VERSION);
    let q = this.snapshots.where('streamId', '==', streamId).where('version', '<=', top);
    if (options.stateVersion !== undefined) q = q.where('stateVersion', '==', options.stateVersion);
    const snap = await guarded(SERVICE, () => q.orderBy('version', 'desc').limit(1).get());
    const d = snap.docs[0]?.data() as SnapshotRecord | undefined;
    return d ? fromSnapshotRecord(d) : undefined;
  }

  async close(): Promise<void> {
    await this.options.firestore.terminate();
  }
}

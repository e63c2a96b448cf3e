/**
 * CheckpointStore on Cloud Firestore: one document per checkpoint in `<prefix>checkpoints`
 * (id = the URI-encoded name, since names may hold "/"), compare-and-set in a transaction.
 * Checkpoints of busy projections are rewritten often: writers batch (one set per page, not per
 * event) to stay near Firestore's ~1 sustained write/s per document (ADR 0060).
 */
import type { CollectionReference, Firestore } from '@google-cloud/firestore';
import { CheckpointConflictError, type CheckpointStore } from '../../ports';
import { checkCheckpointName, checkCheckpointValue } from '../local/InMemoryCheckpointStore';
import { guarded } from './googleErrors';

export interface FirestoreCheckpointStoreOptions {
  readonly firestore: Firestore;
  readonly collectionPrefix: string;
}

interface CheckpointDoc {
  readonly name: string;
  readonly value: string;
}

const SERVICE = 'Firestore checkpoint store';

export class FirestoreCheckpointStore implements CheckpointStore {
  readonly checkpoints: CollectionReference;

  constructor(private readonly options: FirestoreCheckpointStoreOptions) {
    this.checkpoints = options.firestore.collection(`${options.collectionPrefix}checkpoints`);
  }

  async get(name: string): Promise<string | undefined> {
    checkCheckpointName(name);
    const snap = await guarded(SERVICE, () => this.ref(name).get());
    return (snap.data() as CheckpointDoc | undefined)?.value;
  }

  async set(name: string, value: string, expected?: { readonly current: string | undefined }): Promise<void> {
    checkCheckpointName(name);
    checkCheckpointValue(value);
    const doc: CheckpointDoc = { name, value };
    if (!expected) {
      await guarded(SERVICE, () => this.ref(name).set(doc));
      return;
    }
    await guarded(SERVICE, () => this.options.firestore.runTransaction(async (tx) => {
      const snap = await tx.get(this.ref(name));
      const actual = (snap.data() as CheckpointDoc | undefined)?.value;
      if (actual !== expected.current) throw new CheckpointConflictError(name, expected.current, actual);
      tx.set(this.ref(name), doc);
    }));
  }

  async delete(name: string): Promise<void> {
    checkCheckpointName(name);
    await guarded(SERVICE, () => this.ref(name).delete());
  }

  async list(prefix = ''): Promise<Array<{ name: string; value: string }>> {
    let q = this.checkpoints.orderBy('name');
    if (prefix !== '') q = q.where('name', '>=', prefix).where('name', '<', `${prefix}\uffff`);
    const snap = await guarded(SERVICE, () => q.get());
    return snap.docs
      .map((d) => d.data() as CheckpointDoc)
      .filter((d) => d.name.startsWith(prefix))
      .map((d) => ({ name: d.name, value: d.value }));
  }

  async close(): Promise<void> {
    await this.options.firestore.terminate();
  }

  private ref(name: string) {
    return this.checkpoints.doc(encodeURIComponent(name).replace(/\./g, '%2E'));
  }
}

/**
 * CheckpointStore on Cloud Firestore: one document per checkpoint in `<prefix>checkpoints`
 * (id = the URI-encoded name, since names may hold "/"), compare-and-set in a transaction.
 * Checkpoints of busy projections are rewritten often: writers batch (one set per page, not per
 * event) to stay near Firestore's ~1 sustained write/s per document (ADR 0060).
 */
import type { CollectionReference, Firestore } from '@google-cloud/firestore';
import {
  CheckpointConflictError, checkCheckpointListArgs, checkpointNameRange, type CheckpointListOptions, type CheckpointStore,
} from '../../ports';
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

  /**
   * One query on the `name` field's single-field index: a range (Firestore orders strings by UTF-8
   * bytes, the port's code point order), ordered by name, cut by limit() on the server.
   */
  async list(prefix?: string, options?: CheckpointListOptions): Promise<Array<{ name: string; value: string }>> {
    const { prefix: p, to, limit } = checkCheckpointListArgs(prefix, options);
    const range = checkpointNameRange(p, to);
    if (!range) return [];
    let q = this.checkpoints.orderBy('name');
    if (range.from !== '') q = q.where('name', '>=', range.from);
    if (range.through !== undefined) q = q.where('name', '<=', range.through);
    else if (range.before !== undefined) q = q.where('name', '<', range.before);
    if (limit !== undefined) q = q.limit(limit);
    const snap = await guarded(SERVICE, () => q.get());
    return snap.docs.map((d) => {
      const doc = d.data() as CheckpointDoc;
      return { name: doc.name, value: doc.value };
    });
  }

  async close(): Promise<void> {
    await this.options.firestore.terminate();
  }

  private ref(name: string) {
    return this.checkpoints.doc(encodeURIComponent(name).replace(/\./g, '%2E'));
  }
}

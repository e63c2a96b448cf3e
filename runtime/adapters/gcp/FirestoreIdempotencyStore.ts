/**
 * IdempotencyStore on Cloud Firestore: one document per key in `<prefix>idempotency`, first
 * writer wins until `expiresAt`: a blind `create` for a new key (1 write), a transaction only
 * when the key exists. `expiresAt` is a Firestore Timestamp so that
 * a TTL policy on that field (provisioned by providers/gcp) deletes expired records; until it
 * runs, an expired record is treated as absent and overwritten.
 */
import { Timestamp, type CollectionReference, type Firestore } from '@google-cloud/firestore';
import { InvalidArgumentError, systemClock, type Clock, type IdempotencyRecord, type IdempotencyStore } from '../../ports';
import { checkIdempotencyArgs } from '../local/InMemoryIdempotencyStore';
import { GrpcCode, guarded, isGrpc, translateTransient } from './googleErrors';

export interface FirestoreIdempotencyStoreOptions {
  readonly firestore: Firestore;
  readonly collectionPrefix: string;
  readonly clock?: Clock;
}

interface IdempotencyDoc {
  readonly key: string;
  readonly value: string;
  readonly storedAt: string;
  readonly expiresAt: Timestamp;
}

const SERVICE = 'Firestore idempotency store';

export class FirestoreIdempotencyStore implements IdempotencyStore {
  readonly records: CollectionReference;
  private readonly clock: Clock;

  constructor(private readonly options: FirestoreIdempotencyStoreOptions) {
    this.records = options.firestore.collection(`${options.collectionPrefix}idempotency`);
    this.clock = options.clock ?? systemClock;
  }

  async putIfAbsent(key: string, value: unknown, ttlSeconds: number): Promise<{ stored: boolean; record: IdempotencyRecord }> {
    const json = checkIdempotencyArgs(key, value, ttlSeconds);
    const ref = this.ref(key);
    const fresh = (now: Date): IdempotencyDoc => ({
      key, value: json, storedAt: now.toISOString(), expiresAt: Timestamp.fromMillis(now.getTime() + ttlSeconds * 1000),
    });
    // The common case (a new key) is one blind create: 1 write, no read.
    const now = this.clock.now();
    const doc = fresh(now);
    try {
      await ref.create(doc);
      return { stored: true, record: this.live(doc, now)! };
    } catch (err) {
      if (!isGrpc(err, GrpcCode.ALREADY_EXISTS)) throw translateTransient(SERVICE, err);
    }
    // The key exists: return it while live, replace it once expired (read and write in one transaction).
    return guarded(SERVICE, () => this.options.firestore.runTransaction(async (tx) => {
      const at = this.clock.now();
      const existing = this.live((await tx.get(ref)).data() as IdempotencyDoc | undefined, at);
      if (existing) return { stored: false, record: existing };
      const replacement = fresh(at);
      tx.set(ref, replacement);
      return { stored: true, record: this.live(replacement, at)! };
    }));
  }

  async get(key: string): Promise<IdempotencyRecord | undefined> {
    if (typeof key !== 'string' || key.length === 0) throw new InvalidArgumentError('key', 'must be a non-empty string');
    const snap = await guarded(SERVICE, () => this.ref(key).get());
    return this.live(snap.data() as IdempotencyDoc | undefined, this.clock.now());
  }

  async close(): Promise<void> {
    await this.options.firestore.terminate();
  }

  private live(doc: IdempotencyDoc | undefined, now: Date): IdempotencyRecord | undefined {
    if (!doc || doc.expiresAt.toMillis() <= now.getTime()) return undefined;
    return { key: doc.key, value: JSON.parse(doc.value) as unknown, storedAt: doc.storedAt, expiresAt: doc.expiresAt.toDate().toISOString() };
  }

  private ref(key: string) {
    return this.records.doc(encodeURIComponent(key).replace(/\./g, '%2E'));
  }
}

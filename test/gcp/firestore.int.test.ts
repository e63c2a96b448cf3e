/**
 * The shared EventStore / SnapshotStore / CheckpointStore / IdempotencyStore conformance suites
 * against Google's Firestore emulator (started here; skipped loudly when the image lacks it).
 */
import { FirestoreCheckpointStore } from '../../runtime/adapters/gcp/FirestoreCheckpointStore';
import { FirestoreEventStore } from '../../runtime/adapters/gcp/FirestoreEventStore';
import { FirestoreIdempotencyStore } from '../../runtime/adapters/gcp/FirestoreIdempotencyStore';
import { FirestoreSnapshotStore } from '../../runtime/adapters/gcp/FirestoreSnapshotStore';
import { checkpointStoreContract } from '../contracts/checkpointStoreContract';
import { eventStoreContract } from '../contracts/eventStoreContract';
import { idempotencyStoreContract } from '../contracts/idempotencyStoreContract';
import { snapshotStoreContract } from '../contracts/snapshotStoreContract';
import { useFirestoreEmulator } from '../servers/firestore';
import { emulatorFirestore, freshPrefix } from './firestoreClient';

describe('Firestore stores (Firestore emulator)', function () {
  this.timeout(120_000);
  const emulator = useFirestoreEmulator('test/gcp/firestore.int.test.ts (Firestore event/snapshot/checkpoint/idempotency contracts)');

  eventStoreContract('FirestoreEventStore', async () => {
    // A fresh prefix per case: readAll from the start stays cheap. settleMs is small because the
    // emulator commits in-process; production keeps the 2 s default (ADR 0061).
    const store = new FirestoreEventStore({ firestore: emulatorFirestore(emulator()), collectionPrefix: freshPrefix(), settleMs: 50 });
    return { store, cleanup: () => store.close() };
  }, { clockSkewMs: 0, slowTimeoutMs: 120_000 });

  snapshotStoreContract('FirestoreSnapshotStore', async () => {
    const store = new FirestoreSnapshotStore({ firestore: emulatorFirestore(emulator()), collectionPrefix: freshPrefix() });
    return { store, cleanup: () => store.close() };
  });

  checkpointStoreContract('FirestoreCheckpointStore', async () => {
    const store = new FirestoreCheckpointStore({ firestore: emulatorFirestore(emulator()), collectionPrefix: freshPrefix() });
    return { store, cleanup: () => store.close() };
  }, { slowTimeoutMs: 60_000 });

  idempotencyStoreContract('FirestoreIdempotencyStore', async () => {
    const store = new FirestoreIdempotencyStore({ firestore: emulatorFirestore(emulator()), collectionPrefix: freshPrefix() });
    return { store, cleanup: () => store.close() };
  }, { slowTimeoutMs: 60_000 });
});

/**
 * The shared SearchIndex conformance suite against the Firestore emulator, on a separate
 * database id as in production (read models live in their own Firestore database).
 */
import { FirestoreSearchIndex } from '../../runtime/adapters/gcp/FirestoreSearchIndex';
import { searchIndexContract } from '../contracts/searchIndexContract';
import { useFirestoreEmulator } from '../servers/firestore';
import { emulatorFirestore, freshPrefix } from './firestoreClient';

describe('Firestore search index (Firestore emulator)', function () {
  this.timeout(120_000);
  const emulator = useFirestoreEmulator('test/gcp/firestoreSearchIndex.int.test.ts (SearchIndex contract on FirestoreSearchIndex)');
  searchIndexContract('FirestoreSearchIndex', async () => {
    const index = new FirestoreSearchIndex({ firestore: emulatorFirestore(emulator(), 'readmodels'), collectionPrefix: freshPrefix() });
    return { index, cleanup: async () => undefined };
  });
});

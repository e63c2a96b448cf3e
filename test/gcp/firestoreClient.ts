/**
 * Firestore clients for the GCP integration tests: explicit emulator options (host, ssl: false)
 * and a fresh collection prefix per store, so cases never see each other's documents.
 */
import { randomUUID } from 'node:crypto';
import { Firestore } from '@google-cloud/firestore';
import type { RunningEmulator } from '../servers/firestore';

export const TEST_PROJECT = 'demo-nexus';
/** Never used to sign anything: the emulator channel is insecure and authorised by header. */
export const EMULATOR_CREDENTIALS = { client_email: 'emulator@demo-nexus.iam.gserviceaccount.com', private_key: 'unused' };

export function emulatorFirestore(emulator: RunningEmulator, databaseId = '(default)'): Firestore {
  // ssl: false makes the SDK send the emulator's "Bearer owner" header over an insecure channel;
  // placeholder credentials stop google-auth-library from probing the GCE metadata server.
  return new Firestore({ projectId: TEST_PROJECT, databaseId, host: emulator.host, ssl: false, credentials: EMULATOR_CREDENTIALS });
}

export const freshPrefix = (): string => `t${randomUUID().replace(/-/g, '').slice(0, 12)}_`;

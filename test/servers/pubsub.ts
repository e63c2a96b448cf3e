/**
 * Google Cloud Pub/Sub emulator harness: same process-group handling as the Firestore one
 * (./firestore.ts). The emulator implements topics, subscriptions, ordering keys, dead-letter
 * policies and nack redelivery; it does not apply subscription filters.
 */
import { existsSync } from 'node:fs';
import { startEmulator, useEmulator, type RunningEmulator } from './firestore';

export const PUBSUB_EMULATOR = '/usr/lib/google-cloud-sdk/platform/pubsub-emulator/bin/cloud-pubsub-emulator';

export function pubsubEmulatorUnavailable(): string | undefined {
  if (!existsSync(PUBSUB_EMULATOR)) return `Pub/Sub emulator not found at ${PUBSUB_EMULATOR} (google-cloud-cli is not installed on this image)`;
  return undefined;
}

export function startPubSubEmulator(): Promise<RunningEmulator> {
  return startEmulator('Pub/Sub emulator', PUBSUB_EMULATOR, (port) => ['--host=127.0.0.1', `--port=${port}`]);
}

export function usePubSubEmulator(suite: string): () => RunningEmulator {
  return useEmulator(suite, pubsubEmulatorUnavailable, startPubSubEmulator);
}

/**
 * The shared SchemaRegistry conformance suite against the Pub/Sub emulator's schema service
 * (it implements createSchema, commitSchema and listSchemaRevisions). Each case gets its own
 * subject prefix, so the global mode starts at the default.
 */
import { randomUUID } from 'node:crypto';
import { PubSub } from '@google-cloud/pubsub';
import { PubSubSchemaRegistry } from '../../runtime/adapters/gcp/PubSubSchemaRegistry';
import { schemaRegistryContract } from '../contracts/schemaRegistryContract';
import { usePubSubEmulator } from '../servers/pubsub';
import { EMULATOR_CREDENTIALS, TEST_PROJECT } from './firestoreClient';

describe('Pub/Sub schema registry (Pub/Sub emulator)', function () {
  this.timeout(120_000);
  const emulator = usePubSubEmulator('test/gcp/pubsubSchemaRegistry.int.test.ts (SchemaRegistry contract on PubSubSchemaRegistry)');
  schemaRegistryContract('PubSubSchemaRegistry', async () => {
    const pubsub = new PubSub({ projectId: TEST_PROJECT, apiEndpoint: emulator().host, emulatorMode: true, credentials: EMULATOR_CREDENTIALS });
    const registry = new PubSubSchemaRegistry({ pubsub, subjectPrefix: `r${randomUUID().slice(0, 8)}-` });
    return { registry, cleanup: () => registry.close() };
  });
});

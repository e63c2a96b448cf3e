/**
 * The composition root on a GCP manifest: createRuntime loads the gcp module lazily and builds
 * all eight ports from the manifest alone, against both emulators. The SDKs find the emulators
 * through FIRESTORE_EMULATOR_HOST / PUBSUB_EMULATOR_HOST, which only this harness sets (and
 * restores); the adapters themselves read no environment.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { PubSub } from '@google-cloud/pubsub';
import { createRuntime, type RuntimeAdapters } from '../../runtime/createRuntime';
import { MANIFEST_VERSION, type NexusManifest } from '../../runtime/manifest';
import type { Delivery } from '../../runtime/ports/EventBus';
import { useFirestoreEmulator } from '../servers/firestore';
import { usePubSubEmulator } from '../servers/pubsub';
import { EMULATOR_CREDENTIALS, TEST_PROJECT } from './firestoreClient';

describe('createRuntime on a GCP manifest (Firestore and Pub/Sub emulators)', function () {
  this.timeout(120_000);
  const saved: Record<string, string | undefined> = {};
  let rt: RuntimeAdapters | undefined;
  // Defined before the emulator hooks so that it runs before they stop the emulators.
  after(async () => {
    await rt?.close();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
  const firestore = useFirestoreEmulator('test/gcp/gcpRuntime.int.test.ts (createRuntime with every GCP adapter)');
  const pubsub = usePubSubEmulator('test/gcp/gcpRuntime.int.test.ts (createRuntime with every GCP adapter)');
  const run = randomUUID().slice(0, 8);
  const topics = { coreTopic: `core-${run}`, noncriticalTopic: `nc-${run}`, deadLetterTopic: `dl-${run}`, notify: `notify-${run}` };

  before(async function () {
    for (const k of ['FIRESTORE_EMULATOR_HOST', 'PUBSUB_EMULATOR_HOST']) saved[k] = process.env[k];
    process.env.FIRESTORE_EMULATOR_HOST = firestore().host;
    process.env.PUBSUB_EMULATOR_HOST = pubsub().host;
    // providers/gcp provisions these in a real stack.
    const admin = new PubSub({ projectId: TEST_PROJECT, apiEndpoint: pubsub().host, emulatorMode: true, credentials: EMULATOR_CREDENTIALS });
    for (const t of Object.values(topics)) await admin.createTopic(t);
    await admin.topic(topics.deadLetterTopic).createSubscription(`${topics.deadLetterTopic}-inspect`);
    await admin.close();
  });

  const manifest = (): NexusManifest => ({
    manifestVersion: MANIFEST_VERSION,
    cloud: 'gcp',
    stack: 'gcp-emulators',
    environment: 'dev',
    eventStore: { kind: 'firestore', projectId: TEST_PROJECT, database: '(default)', collectionPrefix: `rt${run}_` },
    bus: { kind: 'pubsub', projectId: TEST_PROJECT, coreTopic: topics.coreTopic, noncriticalTopic: topics.noncriticalTopic, deadLetterTopic: topics.deadLetterTopic, subscriptions: {} },
    registry: { kind: 'pubsub-schemas', projectId: TEST_PROJECT, subjectPrefix: `rt${run}-` },
    search: { kind: 'firestore', projectId: TEST_PROJECT, database: 'readmodels', collectionPrefix: `rt${run}_` },
    notifications: { kind: 'cloudrun-websocket', serviceUrl: 'https://api.example.run.app', projectId: TEST_PROJECT, topic: topics.notify },
    snapshots: { everyNEvents: 100, maxAgeSeconds: 3600 },
    routing: { noncritical: [] },
  });

  it('builds every port from the manifest and each one works against the emulators', async () => {
    rt = await createRuntime(manifest());
    assert.deepEqual(
      [rt.eventStore, rt.snapshots, rt.checkpoints, rt.idempotency, rt.bus, rt.registry, rt.search, rt.notifier].map((a) => a.constructor.name),
      ['FirestoreEventStore', 'FirestoreSnapshotStore', 'FirestoreCheckpointStore', 'FirestoreIdempotencyStore',
        'PubSubEventBus', 'PubSubSchemaRegistry', 'FirestoreSearchIndex', 'CloudRunWebSocketNotifier'],
    );
    const appended = await rt.eventStore.append('acme:Order-1', [{ eventId: randomUUID(), type: 'OrderPlaced', schemaVersion: 1, data: { n: 1 } }], 'no_stream');
    assert.equal((await rt.eventStore.readStream('acme:Order-1'))[0]?.eventId, appended.events[0]!.eventId);
    await rt.checkpoints.set('relay:bus', appended.position);
    assert.equal(await rt.checkpoints.get('relay:bus'), appended.position);
    assert.equal((await rt.idempotency.putIfAbsent('command:acme:1', { ok: true }, 60)).stored, true);

    const got: Delivery[] = [];
    const sub = await rt.bus.subscribe({ group: 'projections', path: 'core', handler: async (d) => void got.push(d) });
    const envelope = { specversion: '1.0' as const, id: appended.events[0]!.eventId, source: 'nexus', type: 'OrderPlaced', subject: 'acme:Order-1', data: { n: 1 } };
    await rt.bus.publish([{ id: envelope.id, partitionKey: 'acme:Order-1', path: 'core', envelope }]);
    const deadline = Date.now() + 15_000;
    while (got.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal(got[0]?.message.id, envelope.id);
    await sub.close();

    const registered = await rt.registry.register('OrderPlaced', JSON.stringify({ type: 'record', name: 'OrderPlaced', fields: [{ name: 'n', type: 'int' }] }));
    assert.equal(registered.version, 1);
    assert.deepEqual(await rt.registry.validate('OrderPlaced', 1, { n: 1 }), []);

    await rt.search.createIndex('orders', { fields: [{ name: 'status', type: 'keyword' }] });
    await rt.search.upsert('orders', [{ id: 'o-1', status: 'placed' }]);
    assert.equal((await rt.search.query('orders', { filters: [{ field: 'status', op: 'eq', value: 'placed' }] })).total, 1);

    assert.equal(await rt.notifier.publish({ tenant: 'acme', channel: 'stream:Order-1', type: 'OrderPlaced', payload: {}, sentAt: new Date().toISOString() }), 0);
  });
});

/**
 * Adapter factories of the gcp module, keyed by manifest kind (see ../types.ts). Each factory
 * imports its adapter (and so its Google Cloud SDK) only when called: a Firestore-only runtime
 * never loads the Pub/Sub client. Clients use Application Default Credentials (the Cloud Run
 * service account); nothing is read from process.env here.
 */
import type { AdapterFactories } from '../types';
import type { EventStoreManifest } from '../../manifest';

type FirestoreStoreManifest = Extract<EventStoreManifest, { kind: 'firestore' }>;

/* eslint-disable @typescript-eslint/no-require-imports -- lazy per-adapter loading, as in ../registry.ts */
function firestoreClient(config: { projectId: string; database: string }) {
  const { Firestore } = require('@google-cloud/firestore') as typeof import('@google-cloud/firestore');
  return new Firestore({ projectId: config.projectId, databaseId: config.database });
}

const storeOptions = async (config: FirestoreStoreManifest) => ({
  firestore: firestoreClient(config),
  collectionPrefix: config.collectionPrefix,
});

export const factories: AdapterFactories = {
  eventStore: {
    firestore: async (config, ctx) => {
      const { FirestoreEventStore } = require('./FirestoreEventStore') as typeof import('./FirestoreEventStore');
      return new FirestoreEventStore({ ...(await storeOptions(config)), clock: ctx.clock });
    },
  },
  snapshotStore: {
    firestore: async (config) => {
      const { FirestoreSnapshotStore } = require('./FirestoreSnapshotStore') as typeof import('./FirestoreSnapshotStore');
      return new FirestoreSnapshotStore(await storeOptions(config));
    },
  },
  checkpointStore: {
    firestore: async (config) => {
      const { FirestoreCheckpointStore } = require('./FirestoreCheckpointStore') as typeof import('./FirestoreCheckpointStore');
      return new FirestoreCheckpointStore(await storeOptions(config));
    },
  },
  idempotencyStore: {
    firestore: async (config, ctx) => {
      const { FirestoreIdempotencyStore } = require('./FirestoreIdempotencyStore') as typeof import('./FirestoreIdempotencyStore');
      return new FirestoreIdempotencyStore({ ...(await storeOptions(config)), clock: ctx.clock });
    },
  },
  bus: {
    pubsub: async (config) => {
      const { PubSub } = require('@google-cloud/pubsub') as typeof import('@google-cloud/pubsub');
      const { PubSubEventBus } = require('./PubSubEventBus') as typeof import('./PubSubEventBus');
      return new PubSubEventBus({
        pubsub: new PubSub({ projectId: config.projectId }),
        coreTopic: config.coreTopic,
        noncriticalTopic: config.noncriticalTopic,
        deadLetterTopic: config.deadLetterTopic,
        subscriptions: config.subscriptions,
      });
    },
  },
  registry: {
    'pubsub-schemas': async (config) => {
      const { PubSub } = require('@google-cloud/pubsub') as typeof import('@google-cloud/pubsub');
      const { PubSubSchemaRegistry } = require('./PubSubSchemaRegistry') as typeof import('./PubSubSchemaRegistry');
      return new PubSubSchemaRegistry({ pubsub: new PubSub({ projectId: config.projectId }), subjectPrefix: config.subjectPrefix });
    },
  },
  search: {
    firestore: async (config) => {
      const { FirestoreSearchIndex } = require('./FirestoreSearchIndex') as typeof import('./FirestoreSearchIndex');
      return new FirestoreSearchIndex({ firestore: firestoreClient(config), collectionPrefix: config.collectionPrefix });
    },
  },
  notifier: {
    'cloudrun-websocket': async (config) => {
      const { PubSub } = require('@google-cloud/pubsub') as typeof import('@google-cloud/pubsub');
      const { CloudRunWebSocketNotifier } = require('./CloudRunWebSocketNotifier') as typeof import('./CloudRunWebSocketNotifier');
      const notifier = new CloudRunWebSocketNotifier({ pubsub: new PubSub({ projectId: config.projectId }), topic: config.topic });
      await notifier.start();
      return notifier;
    },
  },
};
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * Adapter factories of the azure module, keyed by manifest kind (see ../types.ts). Each factory
 * loads its adapter and Azure SDK only when called, so an AWS or GCP runtime never loads them.
 * Identity: Microsoft Entra ID through DefaultAzureCredential (the Function App's managed
 * identity; AZURE_CLIENT_ID is read by @azure/identity itself, not here). Cosmos accounts are
 * provisioned with key auth disabled; a `cosmosKey` secret (ctx.secrets) is honoured for local
 * emulators only. Container names come from the manifest; the idempotency container is the
 * provider's `idempotency` (providers/azure/eventStore.ts STORE_CONTAINERS).
 */
import type { TokenCredential } from '@azure/core-auth';
import type { AdapterContext, AdapterFactories } from '../types';
import type { EventStoreManifest } from '../../manifest';

type CosmosStoreManifest = Extract<EventStoreManifest, { kind: 'cosmos' }>;

/** The provider's idempotency container (not in the manifest: same database, fixed name). */
export const IDEMPOTENCY_CONTAINER = 'idempotency';

/* eslint-disable @typescript-eslint/no-require-imports -- lazy per-adapter loading, as in ../registry.ts */
let credential: TokenCredential | undefined;
function azureCredential(): TokenCredential {
  if (!credential) {
    const { DefaultAzureCredential } = require('@azure/identity') as typeof import('@azure/identity');
    credential = new DefaultAzureCredential();
  }
  return credential;
}

function cosmosDatabase(endpoint: string, database: string, ctx: AdapterContext) {
  const { CosmosClient } = require('@azure/cosmos') as typeof import('@azure/cosmos');
  const key = ctx.secrets['cosmosKey'];
  const client = new CosmosClient(key ? { endpoint, key } : { endpoint, aadCredentials: azureCredential() });
  return client.database(database);
}

/** SchemaRegistryClient wants the namespace as a URL (https://<ns>.servicebus.windows.net). */
export const schemaRegistryUrl = (fqns: string): string => (/^https?:\/\//.test(fqns) ? fqns : `https://${fqns}`);

const container = (config: CosmosStoreManifest, ctx: AdapterContext, name: string) => cosmosDatabase(config.endpoint, config.database, ctx).container(name);

export const factories: AdapterFactories = {
  eventStore: {
    cosmos: async (config, ctx) => {
      const { CosmosEventStore } = require('./CosmosEventStore') as typeof import('./CosmosEventStore');
      return new CosmosEventStore({ container: container(config, ctx, config.eventsContainer), clock: ctx.clock });
    },
  },
  snapshotStore: {
    cosmos: async (config, ctx) => {
      const { CosmosSnapshotStore } = require('./CosmosSnapshotStore') as typeof import('./CosmosSnapshotStore');
      return new CosmosSnapshotStore({ container: container(config, ctx, config.snapshotsContainer) });
    },
  },
  checkpointStore: {
    cosmos: async (config, ctx) => {
      const { CosmosCheckpointStore } = require('./CosmosCheckpointStore') as typeof import('./CosmosCheckpointStore');
      return new CosmosCheckpointStore({ container: container(config, ctx, config.checkpointsContainer) });
    },
  },
  idempotencyStore: {
    cosmos: async (config, ctx) => {
      const { CosmosIdempotencyStore } = require('./CosmosIdempotencyStore') as typeof import('./CosmosIdempotencyStore');
      return new CosmosIdempotencyStore({ container: container(config, ctx, IDEMPOTENCY_CONTAINER), clock: ctx.clock });
    },
  },
  bus: {
    eventhubs: async (config, ctx) => {
      const { EventHubProducerClient, EventHubConsumerClient } = require('@azure/event-hubs') as typeof import('@azure/event-hubs');
      const { EventHubsEventBus } = require('./EventHubsEventBus') as typeof import('./EventHubsEventBus');
      const { CosmosEventHubsCheckpointStore } = require('./CosmosEventHubsCheckpointStore') as typeof import('./CosmosEventHubsCheckpointStore');
      const db = cosmosDatabase(config.deadLetter.endpoint, config.deadLetter.database, ctx);
      const checkpoints = new CosmosEventHubsCheckpointStore(db.container(config.checkpointContainer));
      const hubOf = (path: 'core' | 'noncritical'): string => (path === 'core' ? config.coreHub : config.noncriticalHub);
      const producers = new Map<string, InstanceType<typeof EventHubProducerClient>>();
      return new EventHubsEventBus({
        clients: {
          producer: (path) => {
            let p = producers.get(path);
            if (!p) {
              p = new EventHubProducerClient(config.fullyQualifiedNamespace, hubOf(path), azureCredential());
              producers.set(path, p);
            }
            return p;
          },
          consumer: (path, group) => new EventHubConsumerClient(group, config.fullyQualifiedNamespace, hubOf(path), azureCredential(), checkpoints),
        },
        deadLetterContainer: db.container(config.deadLetter.container),
        consumerGroups: config.consumerGroups,
        clock: ctx.clock,
      });
    },
  },
  registry: {
    'azure-schema-registry': async (config) => {
      const { SchemaRegistryClient } = require('@azure/schema-registry') as typeof import('@azure/schema-registry');
      const { AzureSchemaRegistry } = require('./AzureSchemaRegistry') as typeof import('./AzureSchemaRegistry');
      return new AzureSchemaRegistry({ client: new SchemaRegistryClient(schemaRegistryUrl(config.fullyQualifiedNamespace), azureCredential()), group: config.group });
    },
  },
  search: {
    'azure-ai-search': async (config) => {
      const { SearchClient, SearchIndexClient } = require('@azure/search-documents') as typeof import('@azure/search-documents');
      const { AzureAiSearchIndex } = require('./AzureAiSearchIndex') as typeof import('./AzureAiSearchIndex');
      return new AzureAiSearchIndex({
        indexes: new SearchIndexClient(config.endpoint, azureCredential()),
        searchClient: (name) => new SearchClient<Record<string, unknown>>(config.endpoint, name, azureCredential()),
      });
    },
  },
  notifier: {
    webpubsub: async (config) => {
      const { WebPubSubServiceClient } = require('@azure/web-pubsub') as typeof import('@azure/web-pubsub');
      const { WebPubSubNotifier } = require('./WebPubSubNotifier') as typeof import('./WebPubSubNotifier');
      return new WebPubSubNotifier({ client: new WebPubSubServiceClient(config.endpoint, azureCredential(), config.hub) });
    },
  },
};
/* eslint-enable @typescript-eslint/no-require-imports */

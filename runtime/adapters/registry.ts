/**
 * Maps every manifest `kind` to the adapter module (one per cloud) that implements it, and
 * loads that module lazily so that an AWS deployment never loads the Azure SDK.
 */
import type { AdapterFactories } from './types';

export type AdapterModuleName = 'local' | 'aws' | 'gcp' | 'azure' | 'selfhosted';
export type PortName = 'eventStore' | 'snapshotStore' | 'checkpointStore' | 'idempotencyStore' | 'bus' | 'registry' | 'search' | 'notifier';

/** kind → module, per manifest section. The contract test checks every kind is produced by some provider. */
export const KIND_MODULES = {
  eventStore: { memory: 'local', sqlite: 'local', dynamodb: 'aws', firestore: 'gcp', cosmos: 'azure', postgres: 'selfhosted' },
  bus: { memory: 'local', sqlite: 'local', 'kinesis+sns': 'aws', pubsub: 'gcp', eventhubs: 'azure', jetstream: 'selfhosted' },
  registry: { local: 'local', glue: 'aws', 'pubsub-schemas': 'gcp', 'azure-schema-registry': 'azure', confluent: 'selfhosted' },
  search: { memory: 'local', 'sqlite-fts': 'local', opensearch: 'aws', firestore: 'gcp', 'azure-ai-search': 'azure', postgres: 'selfhosted' },
  notifications: { memory: 'local', 'websocket-local': 'local', 'apigateway-websocket': 'aws', 'cloudrun-websocket': 'gcp', webpubsub: 'azure' },
} as const satisfies Record<string, Record<string, AdapterModuleName>>;

/**
 * Lazy load of one cloud's adapter module. `require` inside each branch (not a top-level import)
 * keeps other clouds' SDKs unloaded; explicit paths let the bundler include every module.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
export async function loadAdapterModule(name: AdapterModuleName): Promise<AdapterFactories> {
  switch (name) {
    case 'local':
      return (require('./local/index') as typeof import('./local/index')).factories;
    case 'aws':
      return (require('./aws/index') as typeof import('./aws/index')).factories;
    case 'gcp':
      return (require('./gcp/index') as typeof import('./gcp/index')).factories;
    case 'azure':
      return (require('./azure/index') as typeof import('./azure/index')).factories;
    case 'selfhosted':
      return (require('./selfhosted/index') as typeof import('./selfhosted/index')).factories;
  }
}
/* eslint-enable @typescript-eslint/no-require-imports */

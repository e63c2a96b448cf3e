/**
 * The GCP Nexus provider: one function per component (one file each), assembled into the
 * NexusProvider contract (components/provider.ts). Loaded only through components/providerRegistry.ts.
 */
import type { NexusProvider } from '../../components/provider';
import { gcpEventStore } from './eventStore';
import { gcpEventBus } from './eventBus';
import { gcpSchemaRegistry } from './schemaRegistry';
import { gcpSearchIndex } from './searchIndex';
import { gcpNotifications } from './notifications';
import { gcpRuntime } from './runtime';
import { gcpObservability } from './observability';

export function createProvider(): NexusProvider {
  return {
    cloud: 'gcp',
    eventStore: gcpEventStore,
    eventBus: gcpEventBus,
    schemaRegistry: gcpSchemaRegistry,
    searchIndex: gcpSearchIndex,
    notifications: gcpNotifications,
    runtime: gcpRuntime,
    observability: gcpObservability,
  };
}

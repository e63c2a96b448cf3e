/**
 * The AWS provider: implements the Nexus provider contract (components/provider.ts) with one
 * file per component. Loaded only through components/providerRegistry.ts. Uses @pulumi/aws
 * submodule imports so a deployment loads only the services it uses.
 */
import type { NexusProvider } from '../../components/provider';
import { awsEventStore } from './eventStore';
import { awsEventBus } from './eventBus';
import { awsSchemaRegistry } from './schemaRegistry';
import { awsSearchIndex } from './searchIndex';
import { awsNotifications } from './notifications';
import { awsRuntime } from './runtime';
import { awsObservability } from './observability';

export function createProvider(): NexusProvider {
  return {
    cloud: 'aws',
    eventStore: awsEventStore,
    eventBus: awsEventBus,
    schemaRegistry: awsSchemaRegistry,
    searchIndex: awsSearchIndex,
    notifications: awsNotifications,
    runtime: awsRuntime,
    observability: awsObservability,
  };
}

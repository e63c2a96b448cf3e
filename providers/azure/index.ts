/**
 * The Azure Nexus provider: one function per component (one file each), assembled into the
 * NexusProvider contract (components/provider.ts). Each createProvider() gets fresh state, so the
 * foundation (resource group, identity, VNet, Key Vault) is shared by one platform's components
 * only. Loaded only through components/providerRegistry.ts; azure-native is imported by submodule.
 */
import type { NexusProvider } from '../../components/provider';
import type { AzureState } from './state';
import { azureEventStore } from './eventStore';
import { azureEventBus } from './eventBus';
import { azureSchemaRegistry } from './schemaRegistry';
import { azureSearchIndex } from './searchIndex';
import { azureNotifications } from './notifications';
import { azureRuntime } from './runtime';
import { azureObservability } from './observability';

export function createProvider(): NexusProvider {
  const state: AzureState = {};
  return {
    cloud: 'azure',
    eventStore: (name, args, parent) => azureEventStore(state, name, args, parent),
    eventBus: (name, args, parent) => azureEventBus(state, name, args, parent),
    schemaRegistry: (name, args, parent) => azureSchemaRegistry(state, name, args, parent),
    searchIndex: (name, args, parent) => azureSearchIndex(state, name, args, parent),
    notifications: (name, args, parent) => azureNotifications(state, name, args, parent),
    runtime: (name, args, parent) => azureRuntime(state, name, args, parent),
    observability: (name, args, parent) => azureObservability(state, name, args, parent),
  };
}

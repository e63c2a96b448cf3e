/**
 * The ONLY file in components/ that reaches providers/*: it loads one cloud's provider lazily
 * (`require` inside the switch), so an AWS deployment never loads @pulumi/gcp or azure-native.
 * Provider modules export `createProvider(): NexusProvider` (see ./provider.ts).
 */
import type { Cloud } from './config';
import type { NexusProvider, ProviderModule } from './provider';

/** Every cloud a provider is (or will be) registered for, in a fixed order. */
export const PROVIDER_CLOUDS: readonly Cloud[] = ['aws', 'gcp', 'azure', 'selfhosted'];

/* eslint-disable @typescript-eslint/no-require-imports */
function requireProviderModule(cloud: Cloud): ProviderModule {
  // Explicit paths (not a computed one) so bundlers and dependency-cruiser see every provider.
  switch (cloud) {
    case 'aws':
      return require('../providers/aws') as ProviderModule;
    case 'gcp':
      return require('../providers/gcp') as ProviderModule;
    case 'azure':
      return require('../providers/azure') as ProviderModule;
    case 'selfhosted':
      return require('../providers/selfhosted') as ProviderModule;
  }
}
/* eslint-enable @typescript-eslint/no-require-imports */

/** True when providers/<cloud>/index.ts exists (some clouds land later than others). */
export function hasProvider(cloud: Cloud): boolean {
  try {
    require.resolve(`../providers/${cloud}`);
    return true;
  } catch {
    return false;
  }
}

/** The clouds whose provider module exists in this checkout. */
export function availableProviders(): Cloud[] {
  return PROVIDER_CLOUDS.filter(hasProvider);
}

/** A fresh provider for `cloud`; throws naming the cloud and the providers that exist. */
export function loadProvider(cloud: Cloud): NexusProvider {
  if (!hasProvider(cloud)) {
    throw new Error(`no Nexus provider for cloud "${cloud}" (providers/${cloud}/index.ts is missing); available: ${availableProviders().join(', ') || 'none'}`);
  }
  const mod = requireProviderModule(cloud);
  if (typeof mod.createProvider !== 'function') {
    throw new Error(`providers/${cloud}/index.ts must export createProvider(): NexusProvider`);
  }
  const provider = mod.createProvider();
  if (provider.cloud !== cloud) throw new Error(`providers/${cloud} returned a provider for "${provider.cloud}"`);
  return provider;
}

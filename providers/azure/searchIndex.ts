/**
 * Azure SearchIndex: an Azure AI Search service with no public network access (private
 * endpoint), API keys disabled (Entra ID only), customer-managed-key enforcement in prod, and a
 * replica count that gives the read SLA outside dev. Indexes are created by the runtime adapter;
 * in prod each must carry the search key (vault URI, key name, identity), which the runtime
 * receives as NEXUS_SEARCH_CMK_* settings.
 */
import * as pulumi from '@pulumi/pulumi';
import * as search from '@pulumi/azure-native/search';
import type { SearchIndexArgs } from '../../components/args';
import type { SearchIndexOutputs } from '../../components/outputs';
import { DEFAULTS } from '../../components/defaults';
import type { SearchSize } from '../../components/config';
import type { SearchIndexManifest } from '../../runtime/manifest';
import { globalName } from './naming';
import { foundationOf, type AzureState } from './state';

/** Private endpoints and CMK need a billable tier: basic is the smallest. */
export const SEARCH_SKUS: Record<SearchSize, 'basic' | 'standard' | 'standard2'> = { small: 'basic', medium: 'standard', large: 'standard2' };

export function azureSearchIndex(state: AzureState, name: string, args: SearchIndexArgs, parent: pulumi.ComponentResource): SearchIndexOutputs {
  const f = foundationOf(state, name, args.placement, parent);
  const { ctx } = f;
  const serviceName = globalName(`${name}-search`, ctx.seed, 60);
  // With CMK enforcement every index must name its key: the runtime gets it as settings (runtime.ts).
  const cmk = f.keyVault?.key(`${name}-search`, parent);
  const service = new search.Service(`${name}-search`, {
    resourceGroupName: f.resourceGroupName,
    location: ctx.location,
    searchServiceName: serviceName,
    sku: { name: SEARCH_SKUS[args.size ?? DEFAULTS.searchSize] },
    // Two replicas give the 99.9% read SLA; dev runs one.
    replicaCount: ctx.prod ? 2 : 1,
    partitionCount: 1,
    hostingMode: 'Default',
    publicNetworkAccess: 'Disabled',
    disableLocalAuth: true,
    semanticSearch: 'disabled',
    identity: { type: 'UserAssigned', userAssignedIdentities: [f.identity.id] },
    ...(ctx.cmek ? { encryptionWithCmk: { enforcement: 'Enabled' } } : {}),
    tags: ctx.tags,
  }, { parent, protect: ctx.protect, dependsOn: f.keyVault ? [f.keyVault.access] : [] });
  f.privateEndpoint(`${name}-search`, service.id, 'searchService', 'privatelink.search.windows.net', parent);
  f.lock(`${name}-search`, service.id, parent);
  const endpoint = `https://${serviceName}.search.windows.net`;
  const manifest: pulumi.Output<SearchIndexManifest> = service.id.apply(() => ({ kind: 'azure-ai-search' as const, endpoint }));
  return {
    manifest,
    refs: {
      searchServiceId: service.id,
      ...(cmk && f.keyVault ? { cmkKeyName: cmk.keyName, cmkVaultUri: f.keyVault.vaultUri, cmkIdentityId: f.identity.id } : {}),
    },
  };
}

/**
 * What the Azure Function App stands on: its storage account (host leases, timer locks and the
 * deployment package; shared keys off, no public network access, private endpoint, CMK in prod)
 * and Application Insights on a Log Analytics workspace with local auth off.
 */
import * as pulumi from '@pulumi/pulumi';
import * as storage from '@pulumi/azure-native/storage';
import * as operationalinsights from '@pulumi/azure-native/operationalinsights';
import * as applicationinsights from '@pulumi/azure-native/applicationinsights';
import type { Foundation } from './foundation';
import { globalName } from './naming';

export interface FunctionsStorage {
  readonly accountName: pulumi.Output<string>;
  readonly accountId: pulumi.Output<string>;
  readonly deploymentContainerUrl: pulumi.Output<string>;
}

export function functionsStorage(name: string, f: Foundation, parent: pulumi.Resource): FunctionsStorage {
  const { ctx } = f;
  const accountName = globalName(`${name}st`, ctx.seed, 24, true);
  const cmk = f.keyVault?.key(`${name}-storage`, parent);
  const account = new storage.StorageAccount(`${name}-storage`, {
    resourceGroupName: f.resourceGroupName,
    location: ctx.location,
    accountName,
    kind: 'StorageV2',
    sku: { name: ctx.prod ? 'Standard_ZRS' : 'Standard_LRS' },
    allowBlobPublicAccess: false,
    allowSharedKeyAccess: false,
    defaultToOAuthAuthentication: true,
    enableHttpsTrafficOnly: true,
    minimumTlsVersion: 'TLS1_2',
    publicNetworkAccess: 'Disabled',
    networkRuleSet: { defaultAction: 'Deny', bypass: 'AzureServices' },
    identity: { type: 'UserAssigned', userAssignedIdentities: [f.identity.id] },
    encryption: {
      keySource: cmk ? 'Microsoft.Keyvault' : 'Microsoft.Storage',
      requireInfrastructureEncryption: true,
      services: { blob: { enabled: true, keyType: 'Account' }, queue: { enabled: true, keyType: 'Account' }, table: { enabled: true, keyType: 'Account' } },
      ...(cmk && f.keyVault ? {
        keyVaultProperties: { keyName: cmk.keyName, keyVaultUri: f.keyVault.vaultUri },
        encryptionIdentity: { encryptionUserAssignedIdentity: f.identity.id },
      } : {}),
    },
    tags: ctx.tags,
  }, { parent, dependsOn: f.keyVault ? [f.keyVault.access] : [] });
  f.privateEndpoint(`${name}-storage-blob`, account.id, 'blob', 'privatelink.blob.core.windows.net', parent);
  const container = new storage.BlobContainer(`${name}-deployments`, {
    resourceGroupName: f.resourceGroupName, accountName: account.id.apply(() => accountName), containerName: 'deployments', publicAccess: 'None',
  }, { parent });
  return {
    accountName: account.id.apply(() => accountName),
    accountId: account.id,
    deploymentContainerUrl: container.id.apply(() => `https://${accountName}.blob.core.windows.net/deployments`),
  };
}

export interface Telemetry {
  readonly componentId: pulumi.Output<string>;
  readonly connectionString: pulumi.Output<string>;
}

export function telemetry(name: string, f: Foundation, retentionDays: pulumi.Input<number>, parent: pulumi.Resource): Telemetry {
  const { ctx } = f;
  const workspace = new operationalinsights.Workspace(`${name}-logs`, {
    resourceGroupName: f.resourceGroupName, location: ctx.location, sku: { name: 'PerGB2018' },
    retentionInDays: pulumi.output(retentionDays).apply((d) => Math.max(30, d)), tags: ctx.tags,
  }, { parent });
  const component = new applicationinsights.Component(`${name}-insights`, {
    resourceGroupName: f.resourceGroupName, location: ctx.location, kind: 'web', applicationType: 'web',
    workspaceResourceId: workspace.id, disableLocalAuth: true, ingestionMode: 'LogAnalytics', tags: ctx.tags,
  }, { parent });
  return { componentId: component.id, connectionString: component.connectionString };
}

/**
 * Prod customer-managed keys on Azure: a Key Vault with RBAC authorisation, purge protection,
 * 90-day soft delete and no public network access (private endpoint), the runtime identity
 * allowed to wrap/unwrap with its keys, and one RSA key per service with a rotation policy.
 */
import * as pulumi from '@pulumi/pulumi';
import * as keyvault from '@pulumi/azure-native/keyvault';
import * as authorization from '@pulumi/azure-native/authorization';
import type * as managedidentity from '@pulumi/azure-native/managedidentity';
import type * as network from '@pulumi/azure-native/network';
import { globalName } from './naming';
import { ROLE_IDS, roleDefinitionId } from './roles';

export interface KeyVault {
  readonly vault: keyvault.Vault;
  readonly vaultUri: pulumi.Output<string>;
  /** The runtime identity's crypto grant: services using a key must be created after it. */
  readonly access: pulumi.Resource;
  /** Creates a key; returns its versionless URI (services follow rotation automatically). */
  key(name: string, parent: pulumi.Resource): { key: keyvault.Key; keyName: pulumi.Output<string>; keyUri: pulumi.Output<string> };
}

/** Rotate yearly, expire after two years, notify 30 days before expiry. */
export const KEY_ROTATION = { rotateAfter: 'P1Y', expiresAfter: 'P2Y', notifyBefore: 'P30D' } as const;

/** What the vault needs from the platform foundation (./foundation.ts), without importing it. */
export interface KeyVaultHost {
  readonly ctx: { readonly location: string; readonly tags: Record<string, string>; readonly protect: boolean; readonly seed: string };
  readonly resourceGroupName: pulumi.Output<string>;
  readonly identity: managedidentity.UserAssignedIdentity;
  readonly subscriptionId: pulumi.Output<string>;
  privateEndpoint(name: string, resourceId: pulumi.Input<string>, groupId: string, zone: string, parent: pulumi.Resource): network.PrivateEndpoint;
}

export function createKeyVault(platform: string, f: KeyVaultHost, tenantId: pulumi.Input<string>, parent: pulumi.Resource): KeyVault {
  const vaultName = globalName(`${platform}-kv`, f.ctx.seed, 24);
  const vault = new keyvault.Vault(`${platform}-kv`, {
    resourceGroupName: f.resourceGroupName,
    location: f.ctx.location,
    vaultName,
    tags: f.ctx.tags,
    properties: {
      tenantId,
      sku: { family: 'A', name: 'premium' },
      enableRbacAuthorization: true,
      enablePurgeProtection: true,
      enableSoftDelete: true,
      softDeleteRetentionInDays: 90,
      publicNetworkAccess: 'Disabled',
      // Trusted services (Cosmos DB, Event Hubs, Storage, AI Search) unwrap their CMK through the firewall.
      networkAcls: { defaultAction: 'Deny', bypass: 'AzureServices' },
    },
  }, { parent, protect: f.ctx.protect });
  f.privateEndpoint(`${platform}-kv`, vault.id, 'vault', 'privatelink.vaultcore.azure.net', parent);
  const access = new authorization.RoleAssignment(`${platform}-kv-crypto-user`, {
    principalId: f.identity.principalId,
    principalType: 'ServicePrincipal',
    roleDefinitionId: f.subscriptionId.apply((s) => roleDefinitionId(s, ROLE_IDS.keyVaultCryptoServiceEncryptionUser)),
    scope: vault.id,
  }, { parent });
  const vaultUri = pulumi.output(`https://${vaultName}.vault.azure.net/`);
  return {
    vault,
    vaultUri,
    access,
    key(name, owner) {
      const key = new keyvault.Key(`${name}-cmk`, {
        resourceGroupName: f.resourceGroupName,
        vaultName: vault.id.apply(() => vaultName),
        keyName: `${name}-cmk`,
        properties: {
          kty: 'RSA',
          keySize: 3072,
          keyOps: ['wrapKey', 'unwrapKey'],
          rotationPolicy: {
            attributes: { expiryTime: KEY_ROTATION.expiresAfter },
            lifetimeActions: [
              { action: { type: 'rotate' }, trigger: { timeAfterCreate: KEY_ROTATION.rotateAfter } },
              { action: { type: 'notify' }, trigger: { timeBeforeExpiry: KEY_ROTATION.notifyBefore } },
            ],
          },
        },
      }, { parent: owner, protect: f.ctx.protect });
      const keyName = key.id.apply(() => `${name}-cmk`);
      return { key, keyName, keyUri: pulumi.interpolate`${vaultUri}keys/${keyName}` };
    },
  };
}

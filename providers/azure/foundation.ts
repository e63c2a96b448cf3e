/**
 * What every Azure component of one platform shares, created once per provider instance by the
 * first component that needs it (NexusPlatform's EventStore) and named after the platform:
 * the resource group (unless the stack names one), the user-assigned runtime identity, the
 * virtual network with its `functions` (NAT egress) and `endpoints` subnets, private DNS zones on demand,
 * and in prod the Key Vault that holds the customer-managed keys (ADR 0123).
 */
import * as pulumi from '@pulumi/pulumi';
import * as resources from '@pulumi/azure-native/resources';
import * as managedidentity from '@pulumi/azure-native/managedidentity';
import * as network from '@pulumi/azure-native/network';
import * as privatedns from '@pulumi/azure-native/privatedns';
import * as authorization from '@pulumi/azure-native/authorization';
import type { Placement } from '../../components/args';
import { createKeyVault, type KeyVault } from './keyVault';
import { platformPrefix } from './naming';

export interface AzureContext {
  readonly location: string;
  readonly tags: Record<string, string>;
  readonly cmek: boolean;
  readonly protect: boolean;
  readonly prod: boolean;
  /** Seed of globally unique names: project/stack/platform. */
  readonly seed: string;
}

export interface Foundation {
  readonly ctx: AzureContext;
  readonly platform: string;
  readonly resourceGroupName: pulumi.Output<string>;
  readonly subscriptionId: pulumi.Output<string>;
  readonly identity: managedidentity.UserAssignedIdentity;
  readonly vnet: network.VirtualNetwork;
  readonly functionsSubnet: network.Subnet;
  readonly endpointsSubnet: network.Subnet;
  /** Prod only: the vault of customer-managed keys. */
  readonly keyVault?: KeyVault;
  /** Private endpoint for `resourceId` (sub-resource `groupId`) registered in `zone`. */
  privateEndpoint(name: string, resourceId: pulumi.Input<string>, groupId: string, zone: string, parent: pulumi.Resource): network.PrivateEndpoint;
  /** CanNotDelete lock on a store when deletion protection is on. */
  lock(name: string, scope: pulumi.Input<string>, parent: pulumi.Resource): void;
}

export function azureContext(placement: Placement, platform: string, parent: pulumi.Resource): AzureContext {
  if (placement.cloud !== 'azure') {
    throw new pulumi.ResourceError(`Azure provider: placement.cloud is "${placement.cloud}", expected "azure"`, parent);
  }
  const prod = placement.environment === 'prod';
  return {
    location: placement.region,
    tags: { ...placement.tags },
    cmek: prod,
    protect: placement.deletionProtection,
    prod,
    seed: `${pulumi.getProject()}/${pulumi.getStack()}/${platform}`,
  };
}

export const VNET_CIDR = '10.40.0.0/16';
export const FUNCTIONS_SUBNET_CIDR = '10.40.1.0/24';
export const ENDPOINTS_SUBNET_CIDR = '10.40.2.0/24';

export function createFoundation(componentName: string, placement: Placement, parent: pulumi.Resource): Foundation {
  const platform = platformPrefix(componentName);
  const ctx = azureContext(placement, platform, parent);
  const opts = { parent };
  const client = authorization.getClientConfigOutput({ parent });
  const resourceGroupName = placement.azureResourceGroup
    ? pulumi.output(placement.azureResourceGroup)
    : new resources.ResourceGroup(`${platform}-rg`, { location: ctx.location, tags: ctx.tags }, opts).name;
  const rg = { resourceGroupName, location: ctx.location, tags: ctx.tags };

  const identity = new managedidentity.UserAssignedIdentity(`${platform}-identity`, { ...rg }, opts);
  const vnet = new network.VirtualNetwork(`${platform}-vnet`, { ...rg, addressSpace: { addressPrefixes: [VNET_CIDR] } }, opts);
  // Egress for what is not behind a private endpoint (the JWKS of the token issuer, an OTLP
  // collector): one NAT gateway on the functions subnet; the subnets keep no default outbound access.
  const egressIp = new network.PublicIPAddress(`${platform}-egress-ip`, {
    ...rg, sku: { name: 'Standard', tier: 'Regional' }, publicIPAllocationMethod: 'Static', publicIPAddressVersion: 'IPv4',
  }, opts);
  const nat = new network.NatGateway(`${platform}-nat`, {
    ...rg, sku: { name: 'Standard' }, idleTimeoutInMinutes: 4, publicIpAddresses: [{ id: egressIp.id }],
  }, opts);
  const functionsSubnet = new network.Subnet(`${platform}-functions-subnet`, {
    resourceGroupName, virtualNetworkName: vnet.name, addressPrefix: FUNCTIONS_SUBNET_CIDR, defaultOutboundAccess: false,
    delegations: [{ name: 'flex-consumption', serviceName: 'Microsoft.App/environments' }],
    natGateway: { id: nat.id },
  }, opts);
  const endpointsSubnet = new network.Subnet(`${platform}-endpoints-subnet`, {
    resourceGroupName, virtualNetworkName: vnet.name, addressPrefix: ENDPOINTS_SUBNET_CIDR, defaultOutboundAccess: false,
    privateEndpointNetworkPolicies: 'Enabled',
  }, { parent, dependsOn: [functionsSubnet] }); // subnets of one VNet are updated one at a time

  const zones = new Map<string, privatedns.PrivateZone>();
  const zone = (zoneName: string): privatedns.PrivateZone => {
    let z = zones.get(zoneName);
    if (!z) {
      const key = zoneName.split('.')[1] ?? zoneName;
      z = new privatedns.PrivateZone(`${platform}-dns-${key}`, { resourceGroupName, privateZoneName: zoneName, location: 'Global', tags: ctx.tags }, opts);
      new privatedns.VirtualNetworkLink(`${platform}-dns-${key}-link`, {
        resourceGroupName, privateZoneName: z.name, location: 'Global', registrationEnabled: false, virtualNetwork: { id: vnet.id },
      }, opts);
      zones.set(zoneName, z);
    }
    return z;
  };

  const foundation: Foundation = {
    ctx, platform, resourceGroupName, subscriptionId: client.subscriptionId, identity, vnet, functionsSubnet, endpointsSubnet,
    privateEndpoint(name, resourceId, groupId, zoneName, owner) {
      const pe = new network.PrivateEndpoint(`${name}-pe`, {
        ...rg,
        subnet: { id: endpointsSubnet.id },
        privateLinkServiceConnections: [{ name: `${name}-${groupId}`, privateLinkServiceId: resourceId, groupIds: [groupId] }],
      }, { parent: owner });
      new network.PrivateDnsZoneGroup(`${name}-pe-dns`, {
        resourceGroupName, privateEndpointName: pe.name, privateDnsZoneGroupName: 'default',
        privateDnsZoneConfigs: [{ name: groupId, privateDnsZoneId: zone(zoneName).id }],
      }, { parent: owner });
      return pe;
    },
    lock(name, scope, owner) {
      if (!ctx.protect) return;
      new authorization.ManagementLockByScope(`${name}-lock`, {
        scope, level: 'CanNotDelete', notes: 'Nexus store: deletion protection (nexus:deletionProtection).',
      }, { parent: owner });
    },
  };
  if (ctx.cmek) {
    return { ...foundation, keyVault: createKeyVault(platform, foundation, client.tenantId, parent) };
  }
  return foundation;
}

/**
 * Azure EventBus: an Event Hubs namespace (TLS 1.2, local auth off, no public network access,
 * Premium with a customer-managed key in prod) with a core hub (partitioned by stream id) and a
 * non-critical hub, one consumer group per Nexus consumer group on each, and dead letters in a
 * Cosmos `deadletters` container of the event store's account, written by the consumer after
 * maxAttempts (ADR 0121), next to the consumers' checkpoint container.
 */
import * as pulumi from '@pulumi/pulumi';
import * as eventhub from '@pulumi/azure-native/eventhub';
import type { EventBusArgs } from '../../components/args';
import type { EventBusOutputs } from '../../components/outputs';
import { DEFAULTS } from '../../components/defaults';
import type { EventBusManifest } from '../../runtime/manifest';
import { globalName } from './naming';
import { foundationOf, type AzureState } from './state';
import { cosmosContainer } from './cosmosContainer';

export const DEADLETTER_CONTAINER = 'deadletters';
export const BUS_CHECKPOINT_CONTAINER = 'bus-checkpoints';

/** Consumer groups per hub, minus the built-in `$Default`. */
export function consumerGroupLimit(premium: boolean): number {
  return (premium ? 100 : 20) - 1;
}

/** Retention cap per tier: Standard keeps events 7 days, Premium 90. */
export function retentionHours(hours: number, premium: boolean): number {
  return Math.max(1, Math.min(hours, (premium ? 90 : 7) * 24));
}

export function azureEventBus(state: AzureState, name: string, args: EventBusArgs, parent: pulumi.ComponentResource): EventBusOutputs {
  const f = foundationOf(state, name, args.placement, parent);
  const { ctx } = f;
  const cosmos = state.cosmos;
  if (!cosmos) {
    throw new pulumi.ResourceError(`Azure EventBus ${name}: dead letters live in the event store's Cosmos account; create the EventStore first with the same provider`, parent);
  }
  const groups = args.consumerGroups ?? DEFAULTS.consumerGroups;
  const premium = ctx.cmek; // CMK on Event Hubs needs Premium
  const maxGroups = consumerGroupLimit(premium);
  if (groups.length > maxGroups) {
    throw new pulumi.ResourceError(`Azure EventBus ${name}: ${groups.length} consumer groups (nexus:consumerGroups); Event Hubs ${premium ? 'Premium' : 'Standard'} allows ${maxGroups} per hub, including $Default`, parent);
  }
  const namespaceName = globalName(`${name}-ehns`, ctx.seed, 50);
  const cmk = f.keyVault?.key(`${name}-eventhubs`, parent);
  const ns = new eventhub.Namespace(`${name}-ehns`, {
    resourceGroupName: f.resourceGroupName,
    location: ctx.location,
    namespaceName,
    sku: premium ? { name: 'Premium', tier: 'Premium', capacity: 1 } : { name: 'Standard', tier: 'Standard', capacity: 1 },
    ...(premium ? {} : { isAutoInflateEnabled: true, maximumThroughputUnits: 10 }),
    disableLocalAuth: true,
    minimumTlsVersion: '1.2',
    publicNetworkAccess: 'Disabled',
    zoneRedundant: ctx.prod,
    identity: { type: 'UserAssigned', userAssignedIdentities: [f.identity.id] },
    ...(cmk && f.keyVault ? {
      encryption: {
        keySource: 'Microsoft.KeyVault',
        requireInfrastructureEncryption: true,
        keyVaultProperties: [{ keyName: cmk.keyName, keyVaultUri: f.keyVault.vaultUri, identity: { userAssignedIdentity: f.identity.id } }],
      },
    } : {}),
    tags: ctx.tags,
  }, { parent, protect: ctx.protect, dependsOn: f.keyVault ? [f.keyVault.access] : [] });
  f.privateEndpoint(`${name}-ehns`, ns.id, 'namespace', 'privatelink.servicebus.windows.net', parent);
  f.lock(`${name}-ehns`, ns.id, parent);
  const nsName = ns.id.apply(() => namespaceName);

  const hours = pulumi.output(args.retentionHours ?? DEFAULTS.busRetentionHours).apply((h) => retentionHours(h, premium));
  const hub = (path: 'core' | 'noncritical', partitions: pulumi.Input<number>) =>
    new eventhub.EventHub(`${name}-${path}`, {
      resourceGroupName: f.resourceGroupName,
      namespaceName: nsName,
      eventHubName: path,
      partitionCount: partitions,
      retentionDescription: { cleanupPolicy: 'Delete', retentionTimeInHours: hours },
    }, { parent });
  const core = hub('core', pulumi.output(args.partitions ?? DEFAULTS.busPartitions).apply((p) => Math.max(2, p)));
  const noncritical = hub('noncritical', 2);
  const consumerGroups: Record<string, string> = {};
  for (const g of groups) {
    consumerGroups[g] = g;
    for (const [path, h] of [['core', core], ['noncritical', noncritical]] as const) {
      new eventhub.ConsumerGroup(`${name}-${path}-${g}`, {
        resourceGroupName: f.resourceGroupName, namespaceName: nsName, eventHubName: h.id.apply(() => path), consumerGroupName: g,
        userMetadata: `Nexus consumer group ${g}`,
      }, { parent });
    }
  }

  cosmosContainer(`${name}-${DEADLETTER_CONTAINER}`, f.resourceGroupName, cosmos.accountName, cosmos.databaseName, DEADLETTER_CONTAINER, { partitionKey: '/group' }, ctx.protect, parent);
  cosmosContainer(`${name}-${BUS_CHECKPOINT_CONTAINER}`, f.resourceGroupName, cosmos.accountName, cosmos.databaseName, BUS_CHECKPOINT_CONTAINER, { partitionKey: '/id' }, false, parent);

  const fullyQualifiedNamespace = `${namespaceName}.servicebus.windows.net`;
  state.eventHubs = { namespaceName, namespaceId: ns.id, fullyQualifiedNamespace };
  const manifest: pulumi.Output<EventBusManifest> = pulumi.all([cosmos.databaseName, core.id, noncritical.id]).apply(([db]) => ({
    kind: 'eventhubs' as const,
    fullyQualifiedNamespace,
    coreHub: 'core',
    noncriticalHub: 'noncritical',
    consumerGroups,
    deadLetter: { kind: 'cosmos' as const, endpoint: cosmos.endpoint, database: db, container: DEADLETTER_CONTAINER },
    checkpointContainer: BUS_CHECKPOINT_CONTAINER,
  }));
  return {
    manifest,
    refs: { namespaceId: ns.id, namespaceName: nsName, coreHubId: core.id, noncriticalHubId: noncritical.id },
  };
}

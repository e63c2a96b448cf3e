/**
 * Azure EventStore: a Cosmos DB (NoSQL API) account with continuous backup, no public network
 * access (private endpoint), key auth disabled (Entra ID only), TLS 1.2, a customer-managed key
 * in prod, and a CanNotDelete lock outside dev; one database with containers for events and
 * snapshots (partitioned by stream), checkpoints, change-feed leases and idempotency records (TTL).
 */
import * as pulumi from '@pulumi/pulumi';
import * as cosmosdb from '@pulumi/azure-native/cosmosdb';
import type { EventStoreArgs } from '../../components/args';
import type { EventStoreOutputs } from '../../components/outputs';
import type { EventStoreManifest } from '../../runtime/manifest';
import { globalName } from './naming';
import { foundationOf, type AzureState } from './state';
import { cosmosContainer } from './cosmosContainer';

export const DATABASE = 'nexus';
/** Containers of the event store: id → partition key path (and TTL: -1 = per-item TTL on). */
export const STORE_CONTAINERS = {
  events: { partitionKey: '/streamId' },
  snapshots: { partitionKey: '/streamId' },
  checkpoints: { partitionKey: '/id' },
  leases: { partitionKey: '/id' },
  idempotency: { partitionKey: '/id', defaultTtl: -1 },
} as const;

export function azureEventStore(state: AzureState, name: string, args: EventStoreArgs, parent: pulumi.ComponentResource): EventStoreOutputs {
  const f = foundationOf(state, name, args.placement, parent);
  const { ctx } = f;
  const accountName = globalName(`${name}-cosmos`, ctx.seed, 44);
  const cmk = f.keyVault?.key(`${name}-cosmos`, parent);
  const account = new cosmosdb.DatabaseAccount(`${name}-cosmos`, {
    resourceGroupName: f.resourceGroupName,
    location: ctx.location,
    accountName,
    kind: 'GlobalDocumentDB',
    databaseAccountOfferType: 'Standard',
    locations: [{ locationName: ctx.location, failoverPriority: 0, isZoneRedundant: ctx.prod }],
    consistencyPolicy: { defaultConsistencyLevel: 'Session' },
    backupPolicy: { type: 'Continuous', continuousModeProperties: { tier: ctx.prod ? 'Continuous30Days' : 'Continuous7Days' } },
    disableLocalAuth: true,
    disableKeyBasedMetadataWriteAccess: true,
    publicNetworkAccess: 'Disabled',
    networkAclBypass: 'None',
    minimalTlsVersion: 'Tls12',
    enableAutomaticFailover: false,
    identity: { type: 'UserAssigned', userAssignedIdentities: [f.identity.id] },
    ...(cmk ? { keyVaultKeyUri: cmk.keyUri, defaultIdentity: pulumi.interpolate`UserAssignedIdentity=${f.identity.id}` } : {}),
    tags: ctx.tags,
  }, { parent, protect: ctx.protect, dependsOn: f.keyVault ? [f.keyVault.access] : [] });
  f.privateEndpoint(`${name}-cosmos`, account.id, 'Sql', 'privatelink.documents.azure.com', parent);
  f.lock(`${name}-cosmos`, account.id, parent);

  const database = new cosmosdb.SqlResourceSqlDatabase(`${name}-db`, {
    resourceGroupName: f.resourceGroupName,
    accountName: account.id.apply(() => accountName),
    databaseName: DATABASE,
    resource: { id: DATABASE },
    options: { autoscaleSettings: { maxThroughput: ctx.prod ? 4000 : 1000 } },
  }, { parent, protect: ctx.protect });
  const databaseName = database.id.apply(() => DATABASE);
  for (const [id, spec] of Object.entries(STORE_CONTAINERS)) {
    cosmosContainer(`${name}-${id}`, f.resourceGroupName, accountName, databaseName, id, spec, ctx.protect, parent);
  }

  const endpoint = `https://${accountName}.documents.azure.com:443/`;
  state.cosmos = { accountName, accountId: account.id, endpoint, databaseName };
  const manifest: pulumi.Output<EventStoreManifest> = databaseName.apply((db) => ({
    kind: 'cosmos' as const,
    endpoint,
    database: db,
    eventsContainer: 'events',
    snapshotsContainer: 'snapshots',
    checkpointsContainer: 'checkpoints',
  }));
  return {
    manifest,
    refs: {
      cosmosAccountId: account.id,
      cosmosAccountName: pulumi.output(accountName),
      databaseName,
      leasesContainer: pulumi.output('leases'),
      eventsContainer: pulumi.output('events'),
    },
  };
}

/**
 * Azure Runtime: the shared bundle as one Function App on the Flex Consumption plan (Node 22),
 * VNet-integrated so it reaches every private endpoint, running under the user-assigned identity
 * with identity-based connections only (no keys or connection strings). The functions the Azure
 * package registers (runtime/entrypoints/azureFunctionsRegistration.ts) bind to the settings set
 * here: HTTP (API), a Cosmos DB change-feed trigger on `events` with the `leases` container
 * (relay), Event Hubs triggers per consumer group and hub (projections, sagas) and two timers
 * (snapshots; saga timeouts every minute). The package itself (dist/azure-functions.zip) is
 * published after `pulumi up` (ADR 0123: the deployment container is private). Application
 * Insights receives telemetry via Entra ID.
 */
import * as pulumi from '@pulumi/pulumi';
import * as web from '@pulumi/azure-native/web';
import type { RuntimeArgs } from '../../components/args';
import type { ApiAuth } from '../../components/config';
import type { RuntimeOutputs } from '../../components/outputs';
import { DEFAULTS } from '../../components/defaults';
import { requireRef } from '../../components/naming';
import { foundationOf, type AzureState } from './state';
import { globalName } from './naming';
import { grantCosmosData, grantRoles } from './runtimeIdentity';
import { functionsStorage, telemetry } from './runtimeSupport';

/** Flex Consumption instance sizes (MB). */
export const FLEX_MEMORY_SIZES = [512, 2048, 4096] as const;

export function flexMemory(mb: number): number {
  return FLEX_MEMORY_SIZES.find((s) => s >= mb) ?? 4096;
}

/** Timer-trigger NCRONTAB (six fields, seconds first) for "every N minutes". */
export function snapshotNcrontab(minutes: number): string {
  if (!Number.isInteger(minutes) || minutes < 1) throw new Error(`snapshot schedule: ${minutes} minutes; expected an integer >= 1`);
  return minutes < 60 ? `0 */${minutes} * * * *` : `0 0 */${Math.min(23, Math.round(minutes / 60))} * * *`;
}

/**
 * The saga timeout timer's NCRONTAB (`%NEXUS_SAGA_TIMEOUT_SCHEDULE%` in the sagaTimeoutTimer
 * binding): second 0 of every minute, so a due timeout fires at most about a minute late.
 */
export const SAGA_TIMEOUT_NCRONTAB = '0 * * * * *';

/** The API's JWT settings as the entry point reads them (runtime/entrypoints/app.ts authFrom). */
export function authSettings(auth: ApiAuth | undefined): Array<{ name: string; value: string }> {
  if (!auth) return [];
  return [
    { name: 'NEXUS_JWKS_URL', value: auth.jwksUrl },
    ...(auth.issuer ? [{ name: 'NEXUS_JWT_ISSUER', value: auth.issuer }] : []),
    ...(auth.audience ? [{ name: 'NEXUS_JWT_AUDIENCE', value: auth.audience }] : []),
  ];
}

/** Prod: where the search indexes' customer-managed key is (enforced by the search service). */
function searchKeySettings(refs: RuntimeArgs['search']['refs']): Array<{ name: string; value: pulumi.Output<string> }> {
  const { cmkKeyName, cmkVaultUri, cmkIdentityId } = refs;
  if (!cmkKeyName || !cmkVaultUri || !cmkIdentityId) return [];
  return [
    { name: 'NEXUS_SEARCH_CMK_VAULT_URI', value: cmkVaultUri },
    { name: 'NEXUS_SEARCH_CMK_KEY_NAME', value: cmkKeyName },
    { name: 'NEXUS_SEARCH_CMK_IDENTITY', value: cmkIdentityId },
  ];
}

export function azureRuntime(state: AzureState, name: string, args: RuntimeArgs, parent: pulumi.ComponentResource): RuntimeOutputs {
  const f = foundationOf(state, name, args.placement, parent);
  const { ctx } = f;
  const ref = (refs: RuntimeArgs['bus']['refs'], key: string) => requireRef(refs, key, `Azure runtime ${name}`);
  const storage = functionsStorage(name, f, parent);
  const insights = telemetry(name, f, args.logRetentionDays ?? DEFAULTS.logRetentionDays, parent);

  const roles = grantRoles(name, f, [
    { id: 'eh-send-core', role: 'eventHubsDataSender', scope: ref(args.bus.refs, 'coreHubId') },
    { id: 'eh-send-noncritical', role: 'eventHubsDataSender', scope: ref(args.bus.refs, 'noncriticalHubId') },
    { id: 'eh-receive-core', role: 'eventHubsDataReceiver', scope: ref(args.bus.refs, 'coreHubId') },
    { id: 'eh-receive-noncritical', role: 'eventHubsDataReceiver', scope: ref(args.bus.refs, 'noncriticalHubId') },
    { id: 'schema-reader', role: 'schemaRegistryReader', scope: ref(args.bus.refs, 'namespaceId') },
    { id: 'search-data', role: 'searchIndexDataContributor', scope: ref(args.search.refs, 'searchServiceId') },
    { id: 'webpubsub', role: 'webPubSubServiceOwner', scope: ref(args.notifications.refs, 'webPubSubId') },
    { id: 'storage-blob', role: 'storageBlobDataOwner', scope: storage.accountId },
    { id: 'metrics', role: 'monitoringMetricsPublisher', scope: insights.componentId },
  ], parent);
  const cosmosGrant = grantCosmosData(name, f, ref(args.eventStore.refs, 'cosmosAccountId'), ref(args.eventStore.refs, 'cosmosAccountName'), ref(args.eventStore.refs, 'databaseName'), parent);

  const plan = new web.AppServicePlan(`${name}-plan`, {
    resourceGroupName: f.resourceGroupName, location: ctx.location, kind: 'functionapp', reserved: true,
    sku: { name: 'FC1', tier: 'FlexConsumption' }, zoneRedundant: ctx.prod, tags: ctx.tags,
  }, { parent });
  const appName = globalName(`${name}-func`, ctx.seed, 60);
  const clientId = f.identity.clientId;
  const cosmos = pulumi.output(args.eventStore.manifest).apply((m) => (m.kind === 'cosmos' ? m : undefined));
  const hubs = pulumi.output(args.bus.manifest).apply((m) => (m.kind === 'eventhubs' ? m : undefined));
  const cosmosEndpoint = cosmos.apply((m) => m?.endpoint ?? '');
  const ehNamespace = hubs.apply((m) => m?.fullyQualifiedNamespace ?? '');
  const identitySettings = (prefix: string) => [
    { name: `${prefix}__credential`, value: 'managedidentity' },
    { name: `${prefix}__clientId`, value: clientId },
  ];
  const app = new web.WebApp(`${name}-func`, {
    resourceGroupName: f.resourceGroupName,
    location: ctx.location,
    name: appName,
    kind: 'functionapp,linux',
    serverFarmId: plan.id,
    httpsOnly: true,
    publicNetworkAccess: 'Enabled', // the API is the platform's one public endpoint
    virtualNetworkSubnetId: f.functionsSubnet.id,
    identity: { type: 'UserAssigned', userAssignedIdentities: [f.identity.id] },
    keyVaultReferenceIdentity: f.identity.id,
    functionAppConfig: {
      deployment: { storage: { type: 'blobContainer', value: storage.deploymentContainerUrl, authentication: { type: 'UserAssignedIdentity', userAssignedIdentityResourceId: f.identity.id } } },
      runtime: { name: 'node', version: '22' },
      scaleAndConcurrency: { maximumInstanceCount: 40, instanceMemoryMB: pulumi.output(args.memoryMb ?? DEFAULTS.memoryMb).apply(flexMemory) },
    },
    siteConfig: {
      minTlsVersion: '1.2',
      scmMinTlsVersion: '1.2',
      ftpsState: 'Disabled',
      http20Enabled: true,
      appSettings: [
        { name: 'AzureWebJobsStorage__accountName', value: storage.accountName },
        ...identitySettings('AzureWebJobsStorage'),
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: insights.connectionString },
        { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: pulumi.interpolate`ClientId=${clientId};Authorization=AAD` },
        { name: 'AZURE_CLIENT_ID', value: clientId },
        { name: 'NexusCosmos__accountEndpoint', value: cosmosEndpoint },
        ...identitySettings('NexusCosmos'),
        { name: 'NexusEventHubs__fullyQualifiedNamespace', value: ehNamespace },
        ...identitySettings('NexusEventHubs'),
        // The bindings of the bundle's functions (runtime/entrypoints/azureFunctionsRegistration.ts) read these as %NAME%.
        { name: 'NEXUS_COSMOS_DATABASE', value: cosmos.apply((m) => m?.database ?? '') },
        { name: 'NEXUS_EVENTS_CONTAINER', value: cosmos.apply((m) => m?.eventsContainer ?? '') },
        { name: 'NEXUS_LEASES_CONTAINER', value: ref(args.eventStore.refs, 'leasesContainer') },
        { name: 'NEXUS_CORE_HUB', value: hubs.apply((m) => m?.coreHub ?? '') },
        { name: 'NEXUS_NONCRITICAL_HUB', value: hubs.apply((m) => m?.noncriticalHub ?? '') },
        { name: 'NEXUS_SNAPSHOT_SCHEDULE', value: pulumi.output(args.snapshotScheduleMinutes ?? DEFAULTS.snapshotScheduleMinutes).apply(snapshotNcrontab) },
        { name: 'NEXUS_SAGA_TIMEOUT_SCHEDULE', value: SAGA_TIMEOUT_NCRONTAB },
        { name: 'NEXUS_CONSUMER_GROUPS', value: (args.consumerGroups ?? DEFAULTS.consumerGroups).join(',') },
        ...searchKeySettings(args.search.refs),
        ...authSettings(args.auth),
        { name: 'NEXUS_MANIFEST', value: pulumi.output(args.manifest).apply((m) => JSON.stringify(m)) },
      ],
    },
    tags: ctx.tags,
  }, { parent, dependsOn: [...roles, cosmosGrant] });

  const apiUrl = app.defaultHostName.apply((h) => `https://${h || `${appName}.azurewebsites.net`}`);
  return {
    apiUrl,
    websocketUrl: ref(args.notifications.refs, 'websocketUrl'),
    refs: { functionAppId: app.id, appInsightsId: insights.componentId, storageAccountId: storage.accountId },
  };
}

/** Realistic computed state for the Azure resources the provider creates (ARM ids, principals, hosts). */
import { createHash } from 'node:crypto';
import type { CloudMocks } from './gcpAzureHarness';

export const SUBSCRIPTION = '11111111-2222-4333-8444-555555555555';
export const TENANT = '99999999-8888-4777-8666-555555555555';

const guid = (seed: string) => {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};

/** The physical name input of each resource type (logical name when absent). */
const NAME_KEYS = ['accountName', 'namespaceName', 'eventHubName', 'consumerGroupName', 'searchServiceName', 'resourceName', 'vaultName', 'keyName', 'privateZoneName', 'containerName', 'databaseName', 'schemaGroupName', 'hubName', 'name'];

export const azureMocks: CloudMocks = {
  id(type, name, inputs) {
    const [, mod = '', kind = ''] = /^azure-native:([^:]+):(.+)$/.exec(type) ?? [];
    if (type === 'azure-native:resources:ResourceGroup') return `/subscriptions/${SUBSCRIPTION}/resourceGroups/${name}`;
    const rg = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${String(inputs.resourceGroupName ?? 'rg')}`;
    if (type === 'azure-native:eventhub:EventHub') return `${rg}/providers/Microsoft.EventHub/namespaces/${inputs.namespaceName}/eventhubs/${inputs.eventHubName}`;
    const n = type === 'azure-native:cosmosdb:SqlResourceSqlContainer' ? String(inputs.containerName) : String(NAME_KEYS.map((k) => inputs[k]).find((v) => typeof v === 'string') ?? name);
    return `/subscriptions/${SUBSCRIPTION}/resourceGroups/${String(inputs.resourceGroupName ?? 'rg')}/providers/Microsoft.${mod}/${kind}/${n}`;
  },
  state(type, name, inputs) {
    if (type === 'azure-native:resources:ResourceGroup') return { name };
    if (type === 'azure-native:managedidentity:UserAssignedIdentity') return { principalId: guid(`p/${name}`), clientId: guid(`c/${name}`), tenantId: TENANT };
    if (type === 'azure-native:web:WebApp') return { defaultHostName: `${inputs.name}.azurewebsites.net` };
    if (type === 'azure-native:applicationinsights:Component') return { connectionString: `InstrumentationKey=${guid(name)};IngestionEndpoint=https://westeurope.in.applicationinsights.azure.com/` };
    return {};
  },
  call(token) {
    if (token === 'azure-native:authorization:getClientConfig') return { subscriptionId: SUBSCRIPTION, tenantId: TENANT, clientId: guid('deployer'), objectId: guid('deployer-o') };
    return {};
  },
};

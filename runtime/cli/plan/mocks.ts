/**
 * Pulumi mocks that return realistic state per resource type (ARNs, URLs, endpoints, ids), so
 * the program's manifest and the captured graph look like a real deployment's. Deterministic:
 * ids derive from a hash of the resource name, so `nexus plan` output is stable across runs.
 */
import type * as pulumi from '@pulumi/pulumi';

export const MOCK_ACCOUNT = '123456789012';
export const MOCK_SUBSCRIPTION = '00000000-0000-0000-0000-000000000000';

export function stableHex(text: string, length = 8): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (const c of text) {
    h1 = Math.imul(h1 ^ c.charCodeAt(0), 16777619) >>> 0;
    h2 = Math.imul(h2 ^ c.charCodeAt(0), 2246822519) >>> 0;
  }
  return (h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0')).slice(0, length);
}

type State = Record<string, unknown>;
type Inputs = Record<string, unknown>;

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Physical name as the provider would auto-name it: `<logical>-<7 hex>`, unless given. */
function physical(name: string, inputs: Inputs, ...keys: string[]): string {
  for (const k of keys) {
    const v = str(inputs[k]);
    if (v) return v;
  }
  return `${name}-${stableHex(name, 7)}`;
}

function awsState(type: string, name: string, inputs: Inputs, apis: Map<string, string>): { id: string; state: State } {
  const region = str(inputs.region) ?? 'us-east-1';
  const acct = MOCK_ACCOUNT;
  const [, mod = '', kind = ''] = /^aws:([^/]+)\/[^:]+:(.+)$/.exec(type) ?? [];
  const n = physical(name, inputs, 'name');
  const base: State = { ...inputs, region, name: n, arn: `arn:aws:${mod}:${region}:${acct}:${kind.toLowerCase()}/${n}`, tagsAll: inputs.tags ?? {} };
  switch (type) {
    case 'aws:dynamodb/table:Table': {
      const arn = `arn:aws:dynamodb:${region}:${acct}:table/${n}`;
      return { id: n, state: { ...base, arn, ...(inputs.streamEnabled ? { streamArn: `${arn}/stream/2026-01-01T00:00:00.000`, streamLabel: '2026-01-01T00:00:00.000' } : {}) } };
    }
    case 'aws:kinesis/stream:Stream':
      return { id: n, state: { ...base, arn: `arn:aws:kinesis:${region}:${acct}:stream/${n}` } };
    case 'aws:sqs/queue:Queue':
      return { id: `https://sqs.${region}.amazonaws.com/${acct}/${n}`, state: { ...base, arn: `arn:aws:sqs:${region}:${acct}:${n}`, url: `https://sqs.${region}.amazonaws.com/${acct}/${n}` } };
    case 'aws:sns/topic:Topic':
      return { id: `arn:aws:sns:${region}:${acct}:${n}`, state: { ...base, arn: `arn:aws:sns:${region}:${acct}:${n}` } };
    case 'aws:kms/key:Key': {
      const keyId = `${stableHex(name, 8)}-${stableHex(`${name}1`, 4)}-4${stableHex(`${name}2`, 3)}-a${stableHex(`${name}3`, 3)}-${stableHex(`${name}4`, 12)}`;
      return { id: keyId, state: { ...base, keyId, arn: `arn:aws:kms:${region}:${acct}:key/${keyId}` } };
    }
    case 'aws:glue/registry:Registry':
      return { id: `arn:aws:glue:${region}:${acct}:registry/${str(inputs.registryName)}`, state: { ...base, arn: `arn:aws:glue:${region}:${acct}:registry/${str(inputs.registryName)}` } };
    case 'aws:glue/schema:Schema': {
      const registry = str(inputs.registryArn)?.split('/').pop() ?? 'registry';
      const arn = `arn:aws:glue:${region}:${acct}:schema/${registry}/${str(inputs.schemaName)}`;
      return { id: arn, state: { ...base, arn, latestSchemaVersion: 1, registryName: registry } };
    }
    case 'aws:opensearch/domain:Domain': {
      const d = str(inputs.domainName) ?? n;
      return { id: `arn:aws:es:${region}:${acct}:domain/${d}`, state: { ...base, domainName: d, arn: `arn:aws:es:${region}:${acct}:domain/${d}`, endpoint: `vpc-${d}-${stableHex(d, 12)}.${region}.es.amazonaws.com` } };
    }
    case 'aws:apigatewayv2/api:Api': {
      const id = stableHex(name, 10);
      const protocol = str(inputs.protocolType) ?? 'HTTP';
      apis.set(id, protocol);
      const scheme = protocol === 'WEBSOCKET' ? 'wss' : 'https';
      return { id, state: { ...base, arn: `arn:aws:apigateway:${region}::/apis/${id}`, executionArn: `arn:aws:execute-api:${region}:${acct}:${id}`, apiEndpoint: `${scheme}://${id}.execute-api.${region}.amazonaws.com` } };
    }
    case 'aws:apigatewayv2/stage:Stage': {
      const apiId = str(inputs.apiId) ?? 'api';
      const stage = str(inputs.name) ?? '$default';
      const ws = apis.get(apiId) === 'WEBSOCKET';
      const invokeUrl = ws ? `wss://${apiId}.execute-api.${region}.amazonaws.com/${stage}` : `https://${apiId}.execute-api.${region}.amazonaws.com/${stage === '$default' ? '' : stage}`;
      return { id: stage, state: { ...base, invokeUrl } };
    }
    case 'aws:lambda/function:Function': {
      const arn = `arn:aws:lambda:${region}:${acct}:function:${n}`;
      return { id: n, state: { ...base, arn, invokeArn: `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${arn}/invocations`, qualifiedArn: `${arn}:$LATEST` } };
    }
    case 'aws:iam/role:Role':
      return { id: n, state: { ...base, arn: `arn:aws:iam::${acct}:role/${n}` } };
    case 'aws:cloudwatch/logGroup:LogGroup':
      return { id: n, state: { ...base, arn: `arn:aws:logs:${region}:${acct}:log-group:${n}` } };
    case 'aws:cloudwatch/eventRule:EventRule':
      return { id: n, state: { ...base, arn: `arn:aws:events:${region}:${acct}:rule/${n}` } };
    case 'aws:cloudwatch/dashboard:Dashboard':
      return { id: n, state: { ...base, dashboardName: str(inputs.dashboardName) ?? n, dashboardArn: `arn:aws:cloudwatch::${acct}:dashboard/${n}` } };
    default: {
      const prefix = { ec2: kind === 'Vpc' ? 'vpc' : kind === 'Subnet' ? 'subnet' : kind === 'SecurityGroup' ? 'sg' : kind === 'VpcEndpoint' ? 'vpce' : kind === 'RouteTable' ? 'rtb' : 'ec2' }[mod];
      const id = prefix ? `${prefix}-${stableHex(name, 17)}` : `${n}`;
      return { id, state: { ...base, ...(prefix ? { arn: `arn:aws:ec2:${region}:${acct}:${kind.toLowerCase()}/${id}` } : {}) } };
    }
  }
}

function gcpState(type: string, name: string, inputs: Inputs): { id: string; state: State } {
  const project = str(inputs.project) ?? 'mock-project';
  const n = physical(name, inputs, 'name', 'accountId', 'topic', 'subscription');
  const id = `projects/${project}/${type.split(':').pop()!.toLowerCase()}s/${n}`;
  const state: State = { ...inputs, project, name: str(inputs.name) ?? n, id, selfLink: `https://www.googleapis.com/${id}` };
  if (type.includes('serviceAccount')) state.email = `${n}@${project}.iam.gserviceaccount.com`;
  if (type === 'gcp:projects/serviceIdentity:ServiceIdentity') {
    // Google-managed service agent (Pub/Sub, Firestore): the GCP provider grants it KMS and DLQ roles.
    state.email = `service-${MOCK_ACCOUNT}@gcp-sa-${(str(inputs.service) ?? '').split('.')[0]}.iam.gserviceaccount.com`;
    state.member = `serviceAccount:${String(state.email)}`;
  }
  if (type.startsWith('gcp:cloudrun')) {
    state.uri = `https://${n}-${stableHex(name, 10)}-ew.a.run.app`;
    state.statuses = [{ url: state.uri }];
  }
  return { id, state };
}

function azureState(type: string, name: string, inputs: Inputs): { id: string; state: State } {
  const rg = str(inputs.resourceGroupName) ?? 'rg';
  const n = physical(name, inputs, 'accountName', 'namespaceName', 'name', 'resourceName', 'searchServiceName', 'vaultName', 'keyName');
  const [, mod = '', kind = ''] = /^azure-native:([^:]+):(.+)$/.exec(type) ?? [];
  const id = `/subscriptions/${MOCK_SUBSCRIPTION}/resourceGroups/${rg}/providers/Microsoft.${mod}/${kind}/${n}`;
  const state: State = { ...inputs, name: n, id, location: str(inputs.location) ?? 'westeurope' };
  if (mod === 'cosmosdb' && kind === 'DatabaseAccount') state.documentEndpoint = `https://${n}.documents.azure.com:443/`;
  if (mod === 'eventhub' && kind === 'Namespace') state.serviceBusEndpoint = `https://${n}.servicebus.windows.net:443/`;
  if (mod === 'webpubsub' && kind === 'WebPubSub') state.hostName = `${n}.webpubsub.azure.com`;
  if (mod === 'web' && kind === 'WebApp') state.defaultHostName = `${n}.azurewebsites.net`;
  if (mod === 'keyvault' && kind === 'Vault') state.properties = { ...(inputs.properties as object), vaultUri: `https://${n}.vault.azure.net/` };
  if (mod === 'keyvault' && kind === 'Key') state.keyUriWithVersion = `https://vault.vault.azure.net/keys/${n}/${stableHex(name, 32)}`;
  return { id, state };
}

export function newMocks(): pulumi.runtime.Mocks {
  const apis = new Map<string, string>();
  return {
    newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
      const inputs = (args.inputs ?? {}) as Inputs;
      if (!args.custom) return { id: undefined, state: inputs };
      if (args.type.startsWith('aws:')) return awsState(args.type, args.name, inputs, apis);
      if (args.type.startsWith('gcp:')) return gcpState(args.type, args.name, inputs);
      if (args.type.startsWith('azure-native:')) return azureState(args.type, args.name, inputs);
      return { id: `${args.name}-id`, state: { ...inputs, name: str(inputs.name) ?? args.name } };
    },
    call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
      switch (args.token) {
        case 'aws:index/getCallerIdentity:getCallerIdentity':
          return { accountId: MOCK_ACCOUNT, arn: `arn:aws:iam::${MOCK_ACCOUNT}:user/nexus`, userId: 'AIDAMOCK', id: MOCK_ACCOUNT };
        case 'aws:index/getRegion:getRegion':
          return { name: 'us-east-1', region: 'us-east-1', id: 'us-east-1' };
        case 'aws:index/getPartition:getPartition':
          return { partition: 'aws', dnsSuffix: 'amazonaws.com', id: 'aws' };
        case 'gcp:organizations/getProject:getProject':
          return { projectId: 'mock-project', number: '123456789012', name: 'mock-project', id: 'projects/mock-project' };
        case 'gcp:organizations/getClientConfig:getClientConfig':
          return { project: 'mock-project', region: 'europe-west1', id: 'mock' };
        case 'azure-native:authorization:getClientConfig':
          return { subscriptionId: MOCK_SUBSCRIPTION, tenantId: MOCK_SUBSCRIPTION, objectId: MOCK_SUBSCRIPTION, clientId: MOCK_SUBSCRIPTION };
        default:
          return args.inputs as Record<string, unknown>;
      }
    },
  };
}

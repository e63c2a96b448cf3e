/**
 * Network and identity rules (policies/network.ts, policies/identity.ts) on AWS, GCP and Azure:
 * private, TLS-only data plane and least-privilege runtime grants.
 */
import { noPublicDataPlane, tlsEnforced } from '../../policies/network';
import { runtimeLeastPrivilege } from '../../policies/identity';
import { assertNoViolations, assertViolation, resourceViolations, withProp, type Synth } from './harness';

const domain = (props: Record<string, unknown> = {}): Synth => ({
  type: 'aws:opensearch/domain:Domain', name: 'nexus-prod-search-domain', component: 'searchindex',
  props: {
    vpcOptions: { subnetIds: ['subnet-a', 'subnet-b'], securityGroupIds: ['sg-1'] },
    accessPolicies: JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::1:root' }, Action: ['es:ESHttpGet'], Resource: 'arn:aws:es:r:1:domain/d/*' }] }),
    domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: 'Policy-Min-TLS-1-2-PFS-2023-10' }, nodeToNodeEncryption: { enabled: true }, ...props,
  },
});
const queuePolicy = (statement: Record<string, unknown>): Synth => ({
  type: 'aws:sqs/queuePolicy:QueuePolicy', name: 'nexus-prod-bus-projections-policy', component: 'eventbus',
  props: { queueUrl: 'https://sqs/q', policy: JSON.stringify({ Version: '2012-10-17', Statement: [statement] }) },
});
const snsToSqs = { Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: 'arn:aws:sqs:r:1:q', Condition: { ArnEquals: { 'aws:SourceArn': 'arn:aws:sns:r:1:t' } } };
const topicMember = (member: string, role = 'roles/pubsub.publisher'): Synth => ({
  type: 'gcp:pubsub/topicIAMMember:TopicIAMMember', name: 'nexus-prod-bus-core-publisher', component: 'eventbus', stack: 'gcp-prod',
  props: { topic: 'nexus-prod-bus-core', role, member },
});
const bucket = (props: Record<string, unknown> = {}): Synth => ({
  type: 'gcp:storage/bucket:Bucket', name: 'nexus-prod-runtime-source', component: 'runtime', stack: 'gcp-prod', props: { publicAccessPrevention: 'enforced', ...props },
});
const azure = (type: string, name: string, props: Record<string, unknown>): Synth => ({ type: `azure-native:${type}`, name, stack: 'azure-prod', props });
const cosmos = (props: Record<string, unknown> = {}) => azure('cosmosdb:DatabaseAccount', 'nexus-prod-store-cosmos', { publicNetworkAccess: 'Disabled', minimalTlsVersion: 'Tls12', ...props });
const eventHubs = (props: Record<string, unknown> = {}) => azure('eventhub:Namespace', 'nexus-prod-bus-ehns', { publicNetworkAccess: 'Disabled', minimumTlsVersion: '1.2', ...props });
const searchService = (props: Record<string, unknown> = {}) => azure('search:Service', 'nexus-prod-search', { publicNetworkAccess: 'Disabled', ...props });
const vault = (props: Record<string, unknown> = {}) => azure('keyvault:Vault', 'nexus-prod-kv', { properties: { publicNetworkAccess: 'Disabled', ...props } });
const storageAccount = (props: Record<string, unknown> = {}) => azure('storage:StorageAccount', 'nexus-prod-storage', { allowBlobPublicAccess: false, minimumTlsVersion: 'TLS1_2', enableHttpsTrafficOnly: true, ...props });
const webApp = (props: Record<string, unknown> = {}) => azure('web:WebApp', 'nexus-prod-func', { httpsOnly: true, siteConfig: { minTlsVersion: '1.2' }, ...props });

describe('policies/network: no-public-data-plane', () => {
  it('happy path on every cloud: no violations', async () => {
    for (const s of [domain(), queuePolicy(snsToSqs), topicMember('serviceAccount:api@p.iam.gserviceaccount.com'), bucket(), cosmos(), eventHubs(), searchService(), vault(), storageAccount()]) {
      assertNoViolations(await resourceViolations(noPublicDataPlane, s));
    }
  });
  it('aws: an OpenSearch domain outside the VPC', async () => {
    assertViolation(await resourceViolations(noPublicDataPlane, domain({ vpcOptions: undefined })), /public endpoint \(no vpcOptions.subnetIds\)/);
  });
  it('aws: an anonymous Allow in a domain access policy or a queue policy', async () => {
    const open = JSON.stringify({ Statement: [{ Sid: 'Open', Effect: 'Allow', Principal: '*', Action: 'es:*', Resource: '*' }] });
    assertViolation(await resourceViolations(noPublicDataPlane, domain({ accessPolicies: open })), /statement Open allows principal "\*" without a condition/);
    const { Condition: _dropped, ...unconditioned } = snsToSqs;
    assertViolation(await resourceViolations(noPublicDataPlane, queuePolicy({ ...unconditioned, Principal: { AWS: '*' } })), /allows principal "\*"/);
    assertNoViolations(await resourceViolations(noPublicDataPlane, queuePolicy({ ...snsToSqs, Principal: '*' })));
  });
  it('gcp: allUsers / allAuthenticatedUsers grants and buckets without public access prevention', async () => {
    assertViolation(await resourceViolations(noPublicDataPlane, topicMember('allUsers')), /grants roles\/pubsub.publisher to allUsers/);
    assertViolation(await resourceViolations(noPublicDataPlane, topicMember('allAuthenticatedUsers')), /allAuthenticatedUsers/);
    assertViolation(await resourceViolations(noPublicDataPlane, bucket({ publicAccessPrevention: 'inherited' })), /publicAccessPrevention is inherited, expected enforced/);
  });
  for (const [label, make, field] of [
    ['Cosmos DB', cosmos, 'publicNetworkAccess'], ['Event Hubs', eventHubs, 'publicNetworkAccess'], ['AI Search', searchService, 'publicNetworkAccess'],
  ] as const) {
    it(`azure: ${label} with public network access enabled`, async () => {
      assertViolation(await resourceViolations(noPublicDataPlane, make({ [field]: 'Enabled' })), /publicNetworkAccess is Enabled, expected Disabled/);
      assertViolation(await resourceViolations(noPublicDataPlane, make({ [field]: undefined })), /unset \(Enabled by default\)/);
    });
  }
  it('azure: Key Vault with public access, storage with anonymous blob access', async () => {
    assertViolation(await resourceViolations(noPublicDataPlane, vault({ publicNetworkAccess: 'Enabled' })), /properties.publicNetworkAccess is Enabled/);
    assertViolation(await resourceViolations(noPublicDataPlane, storageAccount({ allowBlobPublicAccess: true })), /anonymous blob reads/);
  });
});

describe('policies/network: tls-enforced', () => {
  it('happy path on every cloud: no violations', async () => {
    for (const s of [domain(), cosmos(), eventHubs(), storageAccount(), webApp()]) assertNoViolations(await resourceViolations(tlsEnforced, s));
  });
  it('aws: OpenSearch without enforced HTTPS, with an old TLS policy, or without node-to-node encryption', async () => {
    assertViolation(await resourceViolations(tlsEnforced, domain({ domainEndpointOptions: { enforceHttps: false, tlsSecurityPolicy: 'Policy-Min-TLS-1-2-2019-07' } })), /enforceHttps is not true/);
    assertViolation(await resourceViolations(tlsEnforced, domain({ domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: 'Policy-Min-TLS-1-0-2019-07' } })), /expected a TLS 1.2\+ policy/);
    assertViolation(await resourceViolations(tlsEnforced, domain({ nodeToNodeEncryption: { enabled: false } })), /nodeToNodeEncryption/);
  });
  it('gcp: a push subscription to a plain-HTTP endpoint', async () => {
    const sub: Synth = { type: 'gcp:pubsub/subscription:Subscription', name: 'nexus-prod-runtime-sagas-core', stack: 'gcp-prod', props: { pushConfig: { pushEndpoint: 'http://worker/push' } } };
    assertViolation(await resourceViolations(tlsEnforced, sub), /push endpoint http:\/\/worker\/push is not HTTPS/);
    assertNoViolations(await resourceViolations(tlsEnforced, { ...sub, props: withProp(sub.props, 'pushConfig.pushEndpoint', 'https://worker/push') }));
  });
  it('azure: TLS 1.0 on Cosmos DB, Event Hubs and storage; HTTP allowed on storage and the function app', async () => {
    assertViolation(await resourceViolations(tlsEnforced, cosmos({ minimalTlsVersion: 'Tls' })), /minimalTlsVersion is Tls, expected TLS 1.2/);
    assertViolation(await resourceViolations(tlsEnforced, eventHubs({ minimumTlsVersion: '1.0' })), /minimumTlsVersion is 1.0/);
    assertViolation(await resourceViolations(tlsEnforced, storageAccount({ minimumTlsVersion: 'TLS1_0' })), /minimumTlsVersion is TLS1_0/);
    assertViolation(await resourceViolations(tlsEnforced, storageAccount({ enableHttpsTrafficOnly: false })), /enableHttpsTrafficOnly is false/);
    assertViolation(await resourceViolations(tlsEnforced, webApp({ httpsOnly: false })), /httpsOnly is not true/);
  });
});

const rolePolicy = (statements: Record<string, unknown>[]): Synth => ({
  type: 'aws:iam/rolePolicy:RolePolicy', name: 'nexus-prod-runtime-api-access', component: 'runtime',
  props: { role: 'r', policy: JSON.stringify({ Version: '2012-10-17', Statement: statements }) },
});
const narrow = { Sid: 'AppendEvents', Effect: 'Allow', Action: ['dynamodb:PutItem', 'dynamodb:Query'], Resource: ['arn:aws:dynamodb:r:1:table/events'] };
const assignment = (guid: string): Synth => ({
  type: 'azure-native:authorization:RoleAssignment', name: 'nexus-prod-runtime-role', component: 'runtime', stack: 'azure-prod',
  props: { principalType: 'ServicePrincipal', roleDefinitionId: `/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/${guid}`, scope: '/subscriptions/s/resourceGroups/g' },
});

describe('policies/identity: runtime-least-privilege', () => {
  it('happy path on every cloud: named actions on named resources, narrow roles', async () => {
    assertNoViolations(await resourceViolations(runtimeLeastPrivilege, rolePolicy([narrow, { Effect: 'Allow', Action: 'xray:PutTraceSegments', Resource: '*' }])));
    assertNoViolations(await resourceViolations(runtimeLeastPrivilege, topicMember('serviceAccount:api@p.iam.gserviceaccount.com')));
    assertNoViolations(await resourceViolations(runtimeLeastPrivilege, assignment('2b629674-e913-4c01-ae53-ef4638d8f975')));
  });
  it('aws: "*" and "dynamodb:*" actions', async () => {
    assertViolation(await resourceViolations(runtimeLeastPrivilege, rolePolicy([{ ...narrow, Action: '*' }])), /allows every action \("\*"\)/);
    assertViolation(await resourceViolations(runtimeLeastPrivilege, rolePolicy([{ ...narrow, Action: ['dynamodb:*'] }])), /allows every dynamodb action/);
  });
  it('aws: data-store actions on Resource "*"', async () => {
    assertViolation(await resourceViolations(runtimeLeastPrivilege, rolePolicy([{ ...narrow, Resource: '*' }])), /grants dynamodb:PutItem, dynamodb:Query on every resource/);
  });
  it('aws: AdministratorAccess or a *FullAccess managed policy', async () => {
    const attach = (arn: string): Synth => ({ type: 'aws:iam/rolePolicyAttachment:RolePolicyAttachment', name: 'nexus-prod-runtime-api-admin', component: 'runtime', props: { role: 'r', policyArn: arn } });
    assertViolation(await resourceViolations(runtimeLeastPrivilege, attach('arn:aws:iam::aws:policy/AdministratorAccess')), /attaches arn:aws:iam::aws:policy\/AdministratorAccess/);
    assertViolation(await resourceViolations(runtimeLeastPrivilege, attach('arn:aws:iam::aws:policy/AmazonDynamoDBFullAccess')), /AmazonDynamoDBFullAccess/);
    assertNoViolations(await resourceViolations(runtimeLeastPrivilege, attach('arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole')));
  });
  it('gcp: roles/owner, roles/editor and admin roles', async () => {
    for (const role of ['roles/owner', 'roles/editor', 'roles/pubsub.admin', 'roles/datastore.owner']) {
      assertViolation(await resourceViolations(runtimeLeastPrivilege, topicMember('serviceAccount:api@p.iam.gserviceaccount.com', role)), new RegExp(`grants ${role.replace('.', '\\.')}`));
    }
  });
  it('azure: Owner, Contributor and Event Hubs Data Owner', async () => {
    assertViolation(await resourceViolations(runtimeLeastPrivilege, assignment('8e3af657-a8ff-443c-a75c-2fe8c4bcb635')), /assigns Owner/);
    assertViolation(await resourceViolations(runtimeLeastPrivilege, assignment('b24988ac-6180-42a0-ab88-20f7382dd24c')), /assigns Contributor/);
    assertViolation(await resourceViolations(runtimeLeastPrivilege, assignment('f526a384-b230-433a-b45c-95f59c4a2dec')), /Azure Event Hubs Data Owner/);
  });
});

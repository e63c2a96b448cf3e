/**
 * Cloud mapping for network exposure and transport security of the data plane (stores, buses,
 * search, registry, key vault). Each extractor returns the reasons a resource is reachable from
 * the internet (`exposure`) or accepts weak transport (`tls`); empty lists mean compliant.
 *   AWS    OpenSearch domains (VPC placement, access policy, HTTPS + TLS 1.2), SQS/SNS resource
 *          policies (no anonymous Allow without a condition)
 *   GCP    IAM members on topics, subscriptions, buckets, schemas, projects (no allUsers /
 *          allAuthenticatedUsers), buckets (public access prevention), push endpoints (HTTPS)
 *   Azure  Cosmos DB, Event Hubs (bus and registry), AI Search, Key Vault, Storage
 *          (publicNetworkAccess Disabled, minimum TLS 1.2, HTTPS only), Function apps (HTTPS only)
 */
import { Domain } from '@pulumi/aws/opensearch';
import { QueuePolicy } from '@pulumi/aws/sqs';
import { TopicPolicy } from '@pulumi/aws/sns';
import { TopicIAMMember, SubscriptionIAMMember, SchemaIamMember, Subscription } from '@pulumi/gcp/pubsub';
import { Bucket, BucketIAMMember } from '@pulumi/gcp/storage';
import { IAMMember as ProjectIAMMember } from '@pulumi/gcp/projects';
import { DatabaseAccount } from '@pulumi/azure-native/cosmosdb';
import { Namespace } from '@pulumi/azure-native/eventhub';
import { Service as SearchService } from '@pulumi/azure-native/search';
import { Vault } from '@pulumi/azure-native/keyvault';
import { StorageAccount } from '@pulumi/azure-native/storage';
import { WebApp } from '@pulumi/azure-native/web';
import { bool, get, jsonDoc, list, str } from '../policyKit';
import { mapping, type Mapping, type Subject } from './types';

export interface ExposureFacts { readonly label: string; readonly exposure: readonly string[] }
export interface TlsFacts { readonly label: string; readonly tls: readonly string[] }

/** Allow statements open to anyone (`"*"` principal) with no condition narrowing them. */
export function anonymousAllows(policy: unknown): string[] {
  const doc = jsonDoc(policy);
  const out: string[] = [];
  for (const st of list(get(doc, 'Statement'))) {
    if (get(st, 'Effect') !== 'Allow' || get(st, 'Condition') !== undefined) continue;
    const principal = get(st, 'Principal');
    const aws = get(principal, 'AWS');
    if (principal === '*' || aws === '*' || (Array.isArray(aws) && aws.includes('*'))) {
      out.push(`statement ${str(get(st, 'Sid')) ?? '(no Sid)'} allows principal "*" without a condition`);
    }
  }
  return out;
}

const PUBLIC_MEMBERS = ['allUsers', 'allAuthenticatedUsers'];
const gcpMember = (label: string) => (s: Subject): ExposureFacts => ({
  label: `${label} ${s.name}`,
  exposure: PUBLIC_MEMBERS.includes(String(get(s.props, 'member'))) ? [`grants ${String(get(s.props, 'role'))} to ${String(get(s.props, 'member'))}`] : [],
});

function azurePublicAccess(label: string, path: string[]) {
  return (s: Subject): ExposureFacts => {
    const value = str(get(s.props, ...path));
    return { label: `${label} ${s.name}`, exposure: value === 'Disabled' ? [] : [`${path.join('.')} is ${value ?? 'unset (Enabled by default)'}, expected Disabled`] };
  };
}

export const exposureMappings: readonly Mapping<ExposureFacts>[] = [
  mapping('aws', Domain, (s) => {
    const exposure: string[] = [];
    if (list(get(s.props, 'vpcOptions', 'subnetIds')).length === 0) exposure.push('has a public endpoint (no vpcOptions.subnetIds), expected placement in the VPC');
    exposure.push(...anonymousAllows(get(s.props, 'accessPolicies')).map((m) => `access policy ${m}`));
    return { label: `OpenSearch domain ${s.name}`, exposure };
  }),
  mapping('aws', QueuePolicy, (s) => ({ label: `SQS queue policy ${s.name}`, exposure: anonymousAllows(get(s.props, 'policy')) })),
  mapping('aws', TopicPolicy, (s) => ({ label: `SNS topic policy ${s.name}`, exposure: anonymousAllows(get(s.props, 'policy')) })),
  mapping('gcp', TopicIAMMember, gcpMember('Pub/Sub topic IAM member')),
  mapping('gcp', SubscriptionIAMMember, gcpMember('Pub/Sub subscription IAM member')),
  mapping('gcp', SchemaIamMember, gcpMember('Pub/Sub schema IAM member')),
  mapping('gcp', BucketIAMMember, gcpMember('bucket IAM member')),
  mapping('gcp', ProjectIAMMember, gcpMember('project IAM member')),
  mapping('gcp', Bucket, (s) => ({
    label: `bucket ${s.name}`,
    exposure: get(s.props, 'publicAccessPrevention') === 'enforced' ? [] : [`publicAccessPrevention is ${str(get(s.props, 'publicAccessPrevention')) ?? 'unset (inherited)'}, expected enforced`],
  })),
  mapping('azure', DatabaseAccount, azurePublicAccess('Cosmos DB account', ['publicNetworkAccess'])),
  mapping('azure', Namespace, azurePublicAccess('Event Hubs namespace', ['publicNetworkAccess'])),
  mapping('azure', SearchService, azurePublicAccess('AI Search service', ['publicNetworkAccess'])),
  mapping('azure', Vault, azurePublicAccess('Key Vault', ['properties', 'publicNetworkAccess'])),
  mapping('azure', StorageAccount, (s) => ({
    label: `storage account ${s.name}`,
    exposure: bool(get(s.props, 'allowBlobPublicAccess')) === false ? [] : ['allowBlobPublicAccess is not false (anonymous blob reads possible)'],
  })),
];

const AZURE_TLS_OK = new Set(['Tls12', 'Tls13', '1.2', '1.3', 'TLS1_2', 'TLS1_3']);
function azureTls(label: string, path: string) {
  return (s: Subject): TlsFacts => {
    const v = str(get(s.props, path));
    return { label: `${label} ${s.name}`, tls: v && AZURE_TLS_OK.has(v) ? [] : [`${path} is ${v ?? 'unset'}, expected TLS 1.2 or later`] };
  };
}

export const tlsMappings: readonly Mapping<TlsFacts>[] = [
  mapping('aws', Domain, (s) => {
    const tls: string[] = [];
    if (bool(get(s.props, 'domainEndpointOptions', 'enforceHttps')) !== true) tls.push('domainEndpointOptions.enforceHttps is not true');
    const policy = str(get(s.props, 'domainEndpointOptions', 'tlsSecurityPolicy'));
    if (!policy || !/TLS-1-[23]/.test(policy)) tls.push(`tlsSecurityPolicy is ${policy ?? 'unset'}, expected a TLS 1.2+ policy`);
    if (bool(get(s.props, 'nodeToNodeEncryption', 'enabled')) !== true) tls.push('nodeToNodeEncryption is not enabled');
    return { label: `OpenSearch domain ${s.name}`, tls };
  }),
  mapping('gcp', Subscription, (s) => {
    const endpoint = str(get(s.props, 'pushConfig', 'pushEndpoint'));
    return { label: `Pub/Sub subscription ${s.name}`, tls: endpoint && !endpoint.startsWith('https://') ? [`push endpoint ${endpoint} is not HTTPS`] : [] };
  }),
  mapping('azure', DatabaseAccount, azureTls('Cosmos DB account', 'minimalTlsVersion')),
  mapping('azure', Namespace, azureTls('Event Hubs namespace', 'minimumTlsVersion')),
  mapping('azure', StorageAccount, (s) => {
    const base = azureTls('storage account', 'minimumTlsVersion')(s);
    return { ...base, tls: [...base.tls, ...(bool(get(s.props, 'enableHttpsTrafficOnly')) === false ? ['enableHttpsTrafficOnly is false'] : [])] };
  }),
  mapping('azure', WebApp, (s) => {
    const tls: string[] = [];
    if (bool(get(s.props, 'httpsOnly')) !== true) tls.push('httpsOnly is not true');
    const min = str(get(s.props, 'siteConfig', 'minTlsVersion'));
    if (min !== undefined && !AZURE_TLS_OK.has(min)) tls.push(`siteConfig.minTlsVersion is ${min}, expected 1.2 or later`);
    return { label: `Function app ${s.name}`, tls };
  }),
];

/**
 * Cloud mapping for runtime identities' grants: which grant resources exist on each cloud and
 * what makes one too broad (ADR 0090).
 *   AWS    inline role policies and managed policies: no `*` / `<service>:*` actions and no
 *          `Resource: "*"` on data-store services; no AdministratorAccess / PowerUserAccess /
 *          *FullAccess attachments
 *   GCP    IAM members (project, topic, subscription, bucket, service account): no roles/owner,
 *          roles/editor or *admin roles
 *   Azure  role assignments: no Owner, Contributor, User Access Administrator, RBAC
 *          Administrator, or data-plane owner/admin roles on stores (Event Hubs Data Owner, Key
 *          Vault Administrator, Cosmos DB account contributor)
 */
import { Policy as IamPolicy, RolePolicy, RolePolicyAttachment } from '@pulumi/aws/iam';
import { IAMMember as ProjectIAMMember } from '@pulumi/gcp/projects';
import { TopicIAMMember, SubscriptionIAMMember } from '@pulumi/gcp/pubsub';
import { BucketIAMMember } from '@pulumi/gcp/storage';
import { IAMMember as ServiceAccountIAMMember } from '@pulumi/gcp/serviceaccount';
import { RoleAssignment } from '@pulumi/azure-native/authorization';
import { get, jsonDoc, list, str } from '../policyKit';
import { mapping, type Mapping, type Subject } from './types';

export interface GrantFacts { readonly label: string; readonly problems: readonly string[] }

/** AWS services whose resources hold Nexus data (events, messages, documents, schemas, keys). */
export const AWS_DATA_SERVICES = ['dynamodb', 'kinesis', 'sqs', 'sns', 'es', 'glue', 'kms', 's3'] as const;

const serviceOf = (action: string): string => action.split(':')[0]?.toLowerCase() ?? '';

/** Problems in an IAM policy document: wildcard actions, and wildcard resources on data services. */
export function awsPolicyProblems(policy: unknown): string[] {
  const out: string[] = [];
  for (const st of list(get(jsonDoc(policy), 'Statement'))) {
    if (get(st, 'Effect') !== 'Allow') continue;
    const sid = str(get(st, 'Sid')) ?? '(no Sid)';
    const actions = list(get(st, 'Action')).map(String);
    const resources = list(get(st, 'Resource')).map(String);
    for (const a of actions) {
      if (a === '*') out.push(`statement ${sid} allows every action ("*")`);
      else if (a.endsWith(':*') && (AWS_DATA_SERVICES as readonly string[]).includes(serviceOf(a))) out.push(`statement ${sid} allows every ${serviceOf(a)} action ("${a}")`);
    }
    const dataActions = actions.filter((a) => a === '*' || (AWS_DATA_SERVICES as readonly string[]).includes(serviceOf(a)));
    if (resources.includes('*') && dataActions.length > 0) out.push(`statement ${sid} grants ${dataActions.join(', ')} on every resource ("*"), expected named tables/streams/queues/topics`);
  }
  return out;
}

const AWS_ADMIN_POLICY = /:policy\/(AdministratorAccess|PowerUserAccess|IAMFullAccess|[A-Za-z0-9]*FullAccess)$/;
const GCP_ADMIN_ROLE = /^roles\/(owner|editor)$|^roles\/[a-zA-Z0-9.]*([aA]dmin|\.owner)$/;

/** Azure built-in role definition ids that are owner/admin level (control plane or data plane). */
export const AZURE_ADMIN_ROLES: Readonly<Record<string, string>> = {
  '8e3af657-a8ff-443c-a75c-2fe8c4bcb635': 'Owner',
  'b24988ac-6180-42a0-ab88-20f7382dd24c': 'Contributor',
  '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9': 'User Access Administrator',
  'f58310d9-a9f6-439a-9e8d-f62e7b41a168': 'Role Based Access Control Administrator',
  'f526a384-b230-433a-b45c-95f59c4a2dec': 'Azure Event Hubs Data Owner',
  '00482a5a-887f-4fb3-b363-3b7fe8e74483': 'Key Vault Administrator',
  '5bd9cd88-fe45-4216-938b-f97437e15450': 'DocumentDB Account Contributor',
  '7ca78c08-252a-4471-8644-bb5ff32d4ba0': 'Search Service Contributor',
};

const gcpGrant = (label: string) => (s: Subject): GrantFacts => {
  const role = String(get(s.props, 'role'));
  return { label: `${label} ${s.name}`, problems: GCP_ADMIN_ROLE.test(role) ? [`grants ${role} (owner/editor/admin), expected a narrow role`] : [] };
};

export const grantMappings: readonly Mapping<GrantFacts>[] = [
  mapping('aws', RolePolicy, (s) => ({ label: `IAM role policy ${s.name}`, problems: awsPolicyProblems(get(s.props, 'policy')) })),
  mapping('aws', IamPolicy, (s) => ({ label: `IAM policy ${s.name}`, problems: awsPolicyProblems(get(s.props, 'policy')) })),
  mapping('aws', RolePolicyAttachment, (s) => {
    const arn = String(get(s.props, 'policyArn'));
    return { label: `IAM policy attachment ${s.name}`, problems: AWS_ADMIN_POLICY.test(arn) ? [`attaches ${arn}, expected a scoped inline policy`] : [] };
  }),
  mapping('gcp', ProjectIAMMember, gcpGrant('project IAM member')),
  mapping('gcp', TopicIAMMember, gcpGrant('Pub/Sub topic IAM member')),
  mapping('gcp', SubscriptionIAMMember, gcpGrant('Pub/Sub subscription IAM member')),
  mapping('gcp', BucketIAMMember, gcpGrant('bucket IAM member')),
  mapping('gcp', ServiceAccountIAMMember, gcpGrant('service account IAM member')),
  mapping('azure', RoleAssignment, (s) => {
    const id = String(get(s.props, 'roleDefinitionId')).split('/').pop()?.toLowerCase() ?? '';
    const name = AZURE_ADMIN_ROLES[id];
    return { label: `role assignment ${s.name}`, problems: name ? [`assigns ${name} (${id}), expected a data-plane role scoped to one resource`] : [] };
  }),
];

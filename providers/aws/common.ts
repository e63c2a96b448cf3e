/**
 * Helpers shared by the AWS provider files: tags, the caller's account, customer-managed KMS
 * keys with a key policy for the AWS services that must use them, and IAM policy documents.
 */
import * as pulumi from '@pulumi/pulumi';
import { getCallerIdentityOutput } from '@pulumi/aws/getCallerIdentity';
import * as kms from '@pulumi/aws/kms';
import type { Placement } from '../../components/args';

export type Tags = Record<string, string>;

export function awsTags(placement: Placement, component: string): Tags {
  return { 'nexus-component': component, ...placement.tags };
}

/** The account id of the deploying credentials (an invoke; mocked in tests). */
export function accountId(parent: pulumi.Resource): pulumi.Output<string> {
  return getCallerIdentityOutput({}, { parent }).accountId;
}

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?: unknown;
  readonly Action: string | readonly string[];
  /** Absent only in trust policies. */
  readonly Resource?: string | readonly string[];
  readonly Condition?: unknown;
}

export function policyDocument(statements: readonly PolicyStatement[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

/**
 * A symmetric CMK with yearly rotation. The key policy keeps the account's IAM in charge (so role
 * policies can grant use of it) and lets the listed AWS service principals use it for data keys
 * (SNS delivering to encrypted SQS, CloudWatch alarms publishing to an encrypted topic).
 */
export function customerKey(
  name: string, description: string, placement: Placement, parent: pulumi.Resource, servicePrincipals: readonly string[] = [],
): kms.Key {
  const account = accountId(parent);
  const policy = account.apply((acct) => policyDocument([
    { Sid: 'AccountAdministersKey', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${acct}:root` }, Action: 'kms:*', Resource: '*' },
    ...(servicePrincipals.length > 0
      ? [{
          Sid: 'ServicesUseKey', Effect: 'Allow' as const, Principal: { Service: [...servicePrincipals] },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: '*',
          Condition: { StringEquals: { 'aws:SourceAccount': acct } },
        }]
      : []),
  ]));
  return new kms.Key(name, {
    region: placement.region,
    description,
    enableKeyRotation: true,
    deletionWindowInDays: placement.environment === 'dev' ? 7 : 30,
    policy,
    tags: awsTags(placement, description),
  }, { parent });
}

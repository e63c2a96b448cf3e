/**
 * One runtime function: an IAM role trusted by Lambda only, its least-privilege inline policy
 * (./runtimeIam.ts), an AWS managed policy for logs (+ VPC ENIs / X-Ray), a log group with
 * retention, and the Lambda function running the shared bundle with NEXUS_MANIFEST injected.
 */
import * as pulumi from '@pulumi/pulumi';
import * as iam from '@pulumi/aws/iam';
import * as lambda from '@pulumi/aws/lambda';
import * as cloudwatch from '@pulumi/aws/cloudwatch';
import type { NexusManifest } from '../../runtime/manifest';
import type { Placement } from '../../components/args';
import type { ApiAuth } from '../../components/config';
import { childName } from '../../components/naming';
import { awsTags, policyDocument } from './common';
import { needsVpc, statementsFor, type FunctionRole, type RuntimeArns } from './runtimeIam';

/** The bundle's Lambda entry point module (dist/runtime/aws-lambda.js) and its handler per role. */
export function handlerFor(role: FunctionRole): string {
  return `aws-lambda.${role.kind === 'consumer' ? 'consumer' : role.kind}`;
}

export interface FunctionSettings {
  readonly placement: Placement;
  readonly bundle: pulumi.asset.Archive;
  readonly manifest: pulumi.Input<NexusManifest>;
  readonly arns: pulumi.Output<RuntimeArns>;
  readonly memoryMb: pulumi.Input<number>;
  readonly logRetentionDays: pulumi.Input<number>;
  readonly subnetIds: pulumi.Output<string>;
  readonly securityGroupId: pulumi.Output<string>;
  /** Token verification for the API function. */
  readonly auth?: ApiAuth;
}

/** The API's JWT settings as the entry point reads them (runtime/entrypoints/app.ts authFrom). */
export function authVariables(auth: ApiAuth | undefined): Record<string, string> {
  if (!auth) return {};
  return {
    NEXUS_JWKS_URL: auth.jwksUrl,
    ...(auth.issuer ? { NEXUS_JWT_ISSUER: auth.issuer } : {}),
    ...(auth.audience ? { NEXUS_JWT_AUDIENCE: auth.audience } : {}),
  };
}

export interface RuntimeFunction {
  readonly fn: lambda.Function;
  readonly role: iam.Role;
}

export function runtimeFunction(name: string, role: FunctionRole, s: FunctionSettings, parent: pulumi.Resource): RuntimeFunction {
  const region = s.placement.region;
  const tags = awsTags(s.placement, 'runtime');
  const vpc = needsVpc(role);
  const iamRole = new iam.Role(childName(name, 'role'), {
    description: `Nexus runtime ${role.kind}${role.kind === 'consumer' ? ` (${role.group})` : ''}`,
    assumeRolePolicy: policyDocument([{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }]),
    tags,
  }, { parent });
  const managed = vpc ? 'service-role/AWSLambdaVPCAccessExecutionRole' : 'service-role/AWSLambdaBasicExecutionRole';
  new iam.RolePolicyAttachment(childName(name, 'logs'), { role: iamRole.name, policyArn: `arn:aws:iam::aws:policy/${managed}` }, { parent });
  new iam.RolePolicyAttachment(childName(name, 'xray'), { role: iamRole.name, policyArn: 'arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess' }, { parent });
  const policy = new iam.RolePolicy(childName(name, 'access'), {
    role: iamRole.name,
    policy: s.arns.apply((a) => policyDocument(statementsFor(role, a))),
  }, { parent });
  const logs = new cloudwatch.LogGroup(childName(name, 'logs'), { region, retentionInDays: s.logRetentionDays, tags }, { parent });

  const fn = new lambda.Function(childName(name, 'fn'), {
    region,
    role: iamRole.arn,
    runtime: 'nodejs22.x',
    architectures: ['arm64'],
    handler: handlerFor(role),
    code: s.bundle,
    memorySize: s.memoryMb,
    timeout: role.kind === 'api' ? 29 : 120,
    environment: {
      variables: pulumi.output(s.manifest).apply((m) => ({
        NEXUS_MANIFEST: JSON.stringify(m),
        NEXUS_ROLE: role.kind,
        ...(role.kind === 'consumer' ? { NEXUS_CONSUMER_GROUP: role.group } : {}),
        ...(role.kind === 'api' ? authVariables(s.auth) : {}),
        NODE_OPTIONS: '--enable-source-maps',
      })),
    },
    loggingConfig: { logFormat: 'JSON', logGroup: logs.name },
    tracingConfig: { mode: 'Active' },
    ...(vpc ? { vpcConfig: { subnetIds: s.subnetIds.apply((ids) => ids.split(',')), securityGroupIds: [s.securityGroupId] } } : {}),
    tags,
  }, { parent, dependsOn: [policy] });
  return { fn, role: iamRole };
}

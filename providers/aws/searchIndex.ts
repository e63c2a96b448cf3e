/**
 * AWS SearchIndex: an OpenSearch domain inside a private VPC (./network.ts), encrypted at rest
 * with a CMK, node-to-node encryption, HTTPS only with TLS 1.2+, IAM-authenticated (the access
 * policy names the account; runtime roles get the narrow es:ESHttp* actions they need).
 */
import * as pulumi from '@pulumi/pulumi';
import * as opensearch from '@pulumi/aws/opensearch';
import type { SearchIndexArgs } from '../../components/args';
import type { SearchSize } from '../../components/config';
import type { SearchIndexOutputs } from '../../components/outputs';
import { childName, cloudName } from '../../components/naming';
import { DEFAULTS } from '../../components/defaults';
import { accountId, awsTags, customerKey, policyDocument } from './common';
import { privateNetwork } from './network';

export interface DomainSizing {
  readonly instanceType: string;
  readonly instanceCount: number;
  readonly zoneAware: boolean;
  readonly volumeGb: number;
}

/** Capacity tier → domain shape. Multi-node tiers spread over two AZs. */
export function domainSizing(size: SearchSize): DomainSizing {
  switch (size) {
    case 'small': return { instanceType: 't3.small.search', instanceCount: 1, zoneAware: false, volumeGb: 20 };
    case 'medium': return { instanceType: 'r6g.large.search', instanceCount: 2, zoneAware: true, volumeGb: 100 };
    case 'large': return { instanceType: 'r6g.xlarge.search', instanceCount: 4, zoneAware: true, volumeGb: 500 };
  }
}

/** Read/write verbs the runtime uses on the domain: no es:* and no admin API. */
export const SEARCH_HTTP_ACTIONS = ['es:ESHttpGet', 'es:ESHttpHead', 'es:ESHttpPost', 'es:ESHttpPut', 'es:ESHttpDelete'] as const;

export function awsSearchIndex(name: string, args: SearchIndexArgs, parent: pulumi.ComponentResource): SearchIndexOutputs {
  const { placement } = args;
  const region = placement.region;
  const sizing = domainSizing(args.size ?? DEFAULTS.searchSize);
  const net = privateNetwork(childName(name, 'net'), placement, parent);
  const key = customerKey(childName(name, 'key'), 'nexus search', placement, parent);
  const domainName = cloudName(name, 28).replace(/^[^a-z]+/, 'n');
  const account = accountId(parent);

  const domain = new opensearch.Domain(childName(name, 'domain'), {
    region,
    domainName,
    engineVersion: 'OpenSearch_2.19',
    clusterConfig: {
      instanceType: sizing.instanceType,
      instanceCount: sizing.instanceCount,
      zoneAwarenessEnabled: sizing.zoneAware,
      ...(sizing.zoneAware ? { zoneAwarenessConfig: { availabilityZoneCount: 2 } } : {}),
    },
    ebsOptions: { ebsEnabled: true, volumeType: 'gp3', volumeSize: sizing.volumeGb },
    encryptAtRest: { enabled: true, kmsKeyId: key.arn },
    nodeToNodeEncryption: { enabled: true },
    domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: 'Policy-Min-TLS-1-2-PFS-2023-10' },
    vpcOptions: {
      subnetIds: sizing.zoneAware ? net.subnetIds : [net.subnetIds[0]!],
      securityGroupIds: [net.domainSecurityGroupId],
    },
    accessPolicies: account.apply((acct) => policyDocument([{
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${acct}:root` },
      Action: [...SEARCH_HTTP_ACTIONS],
      Resource: `arn:aws:es:${region}:${acct}:domain/${domainName}/*`,
    }])),
    tags: awsTags(placement, 'searchindex'),
  }, { parent });

  return {
    manifest: domain.endpoint.apply((endpoint) => ({ kind: 'opensearch' as const, endpoint: `https://${endpoint}`, region })),
    refs: {
      keyArn: key.arn,
      domainArn: domain.arn,
      domainName: domain.domainName,
      accountId: account,
      subnetIds: pulumi.all(net.subnetIds).apply((ids) => ids.join(',')),
      clientSecurityGroupId: net.clientSecurityGroupId,
    },
  };
}

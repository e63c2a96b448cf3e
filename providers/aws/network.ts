/**
 * The private network the search domain lives in (no public data-plane endpoint): a VPC with two
 * private subnets, security groups that admit HTTPS only from the runtime's group, VPC endpoints
 * so the runtime functions placed in it reach DynamoDB, Kinesis, SQS, SNS, Glue, KMS and the
 * WebSocket management API privately, and one NAT gateway (in a public subnet that holds nothing
 * else) for the egress they need outside AWS: the token issuer's JWKS and the OTLP endpoint.
 */
import * as pulumi from '@pulumi/pulumi';
import * as ec2 from '@pulumi/aws/ec2';
import type { Placement } from '../../components/args';
import { childName } from '../../components/naming';
import { awsTags } from './common';

export const VPC_CIDR = '10.42.0.0/16';
/** Interface endpoints (service suffixes) the runtime needs from inside the VPC. */
export const INTERFACE_ENDPOINTS = ['kinesis-streams', 'sqs', 'sns', 'glue', 'kms', 'execute-api'] as const;

export interface PrivateNetwork {
  readonly vpcId: pulumi.Output<string>;
  readonly subnetIds: pulumi.Output<string>[];
  /** Attached to runtime functions: may call HTTPS on the domain and the endpoints. */
  readonly clientSecurityGroupId: pulumi.Output<string>;
  /** Attached to the search domain: HTTPS from clients only. */
  readonly domainSecurityGroupId: pulumi.Output<string>;
}

export function privateNetwork(name: string, placement: Placement, parent: pulumi.Resource): PrivateNetwork {
  const region = placement.region;
  const tags = awsTags(placement, 'network');
  const vpc = new ec2.Vpc(childName(name, 'vpc'), {
    region, cidrBlock: VPC_CIDR, enableDnsHostnames: true, enableDnsSupport: true, tags,
  }, { parent });
  const subnets = ['a', 'b'].map((az, i) => new ec2.Subnet(childName(name, `private-${az}`), {
    region,
    vpcId: vpc.id,
    cidrBlock: `10.42.${i * 16}.0/20`,
    availabilityZone: `${region}${az}`,
    mapPublicIpOnLaunch: false,
    tags,
  }, { parent }));
  // Egress only: the NAT sits alone in a public subnet; nothing else gets a public address.
  const igw = new ec2.InternetGateway(childName(name, 'igw'), { region, vpcId: vpc.id, tags }, { parent });
  const publicSubnet = new ec2.Subnet(childName(name, 'public-a'), {
    region, vpcId: vpc.id, cidrBlock: '10.42.240.0/24', availabilityZone: `${region}a`, mapPublicIpOnLaunch: false, tags,
  }, { parent });
  const publicRoutes = new ec2.RouteTable(childName(name, 'public-routes'), {
    region, vpcId: vpc.id, routes: [{ cidrBlock: '0.0.0.0/0', gatewayId: igw.id }], tags,
  }, { parent });
  new ec2.RouteTableAssociation(childName(name, 'public-routes-a'), { region, subnetId: publicSubnet.id, routeTableId: publicRoutes.id }, { parent });
  const natIp = new ec2.Eip(childName(name, 'nat-ip'), { region, domain: 'vpc', tags }, { parent, dependsOn: [igw] });
  const nat = new ec2.NatGateway(childName(name, 'nat'), { region, subnetId: publicSubnet.id, allocationId: natIp.id, tags }, { parent });
  const routes = new ec2.RouteTable(childName(name, 'private-routes'), {
    region, vpcId: vpc.id, routes: [{ cidrBlock: '0.0.0.0/0', natGatewayId: nat.id }], tags,
  }, { parent });
  subnets.forEach((s, i) => new ec2.RouteTableAssociation(childName(name, `private-routes-${i}`), {
    region, subnetId: s.id, routeTableId: routes.id,
  }, { parent }));

  const clients = new ec2.SecurityGroup(childName(name, 'clients'), {
    region,
    vpcId: vpc.id,
    description: 'Nexus runtime functions: HTTPS out (domain, endpoints, JWKS and OTLP via the NAT)',
    egress: [{ protocol: 'tcp', fromPort: 443, toPort: 443, cidrBlocks: ['0.0.0.0/0'], description: 'HTTPS out' }],
    tags,
  }, { parent });
  const domain = new ec2.SecurityGroup(childName(name, 'domain'), {
    region,
    vpcId: vpc.id,
    description: 'Nexus search domain: HTTPS from runtime functions only',
    ingress: [{ protocol: 'tcp', fromPort: 443, toPort: 443, securityGroups: [clients.id], description: 'runtime' }],
    tags,
  }, { parent });
  const endpoints = new ec2.SecurityGroup(childName(name, 'endpoints'), {
    region,
    vpcId: vpc.id,
    description: 'Nexus VPC endpoints: HTTPS from runtime functions only',
    ingress: [{ protocol: 'tcp', fromPort: 443, toPort: 443, securityGroups: [clients.id], description: 'runtime' }],
    tags,
  }, { parent });

  new ec2.VpcEndpoint(childName(name, 'dynamodb'), {
    region, vpcId: vpc.id, serviceName: `com.amazonaws.${region}.dynamodb`, vpcEndpointType: 'Gateway', routeTableIds: [routes.id], tags,
  }, { parent });
  for (const service of INTERFACE_ENDPOINTS) {
    new ec2.VpcEndpoint(childName(name, service), {
      region,
      vpcId: vpc.id,
      serviceName: `com.amazonaws.${region}.${service}`,
      vpcEndpointType: 'Interface',
      privateDnsEnabled: true,
      subnetIds: subnets.map((s) => s.id),
      securityGroupIds: [endpoints.id],
      tags,
    }, { parent });
  }
  return {
    vpcId: vpc.id,
    subnetIds: subnets.map((s) => s.id),
    clientSecurityGroupId: clients.id,
    domainSecurityGroupId: domain.id,
  };
}

/**
 * Monthly cost estimate of a planned stack: a pure function of the planned resources (types and
 * inputs) and the stack's throughput hints, priced with costPrices.ts (ADR 0092). Capacity-priced
 * resources (shards, instances, throughput units, keys, gateways) are priced from their inputs;
 * request-priced ones from the monthly event volume:
 *   events/month = eventsPerSecond x averageLoadFactor x 30 days
 * (eventsPerSecond is the sizing peak the stack is configured for). Storage is the first month's
 * average (half of what the month adds; an event store only grows, so later months cost more).
 * Only `noncriticalShare` of the events take the non-critical path (SNS/SQS on AWS; Nexus routes
 * every event type to the core path unless the manifest's routing lists it). Resources it does
 * not know cost 0 and are listed as unpriced, so a reader sees what the number leaves out.
 */
import { bool, componentOf, get, isDeadLetterName, isEventsName, list, num, str } from './policyKit';
import { AWS_PRICES as A, AZURE_PRICES as Z, GCP_PRICES as G, HOURS_PER_MONTH as H, PRICES_AS_OF, SECONDS_PER_MONTH } from './costPrices';

export interface EstimatorResource {
  readonly type: string;
  readonly name: string;
  readonly urn?: string;
  readonly props: Readonly<Record<string, unknown>>;
}

export interface ThroughputHints {
  /** Peak events per second the stack is sized for (nexus:eventsPerSecond). */
  readonly eventsPerSecond: number;
  /** Average load as a share of the peak, 0-1. */
  readonly averageLoadFactor: number;
  /** Average stored event size in bytes. */
  readonly eventBytes: number;
  /** Share of events routed to the non-critical path, 0-1; default 0. */
  readonly noncriticalShare?: number;
}

export interface CostLine { readonly resource: string; readonly type: string; readonly usd: number; readonly basis: string }

export interface CostEstimate {
  readonly totalUsd: number;
  readonly eventsPerMonth: number;
  readonly lines: readonly CostLine[];
  /** Resource types with no price model (counted as 0). */
  readonly unpriced: readonly string[];
  readonly pricesAsOf: string;
}

interface Ctx { readonly events: number; readonly bytes: number; readonly noncritical: number }
type Pricer = (r: EstimatorResource, ctx: Ctx) => { usd: number; basis: string } | undefined;

const perMillion = (n: number, price: number): number => (n / 1e6) * price;
const gb = (n: number, bytes: number): number => (n * bytes) / 1e9;
/** GB-months in the first month: data added evenly over the month is stored half of it on average. */
const firstMonthGbMonths = (n: number, bytes: number): number => gb(n, bytes) / 2;
const monthly = (hourly: number, count = 1): number => hourly * count * H;
const fixed = (usd: number, basis: string) => () => ({ usd, basis });

const PRICERS: Readonly<Record<string, Pricer>> = {
  'aws:dynamodb/table:Table': (r, c) => {
    if (str(get(r.props, 'billingMode')) === 'PROVISIONED') {
      const w = num(get(r.props, 'writeCapacity')) ?? 0, rd = num(get(r.props, 'readCapacity')) ?? 0;
      return { usd: monthly(A.dynamoProvisionedWcuHour, w) + monthly(A.dynamoProvisionedRcuHour, rd), basis: `${w} WCU + ${rd} RCU provisioned` };
    }
    if (componentOf(r.urn ?? '') !== 'eventstore' || !isEventsName(r.name)) return { usd: 0, basis: 'on-demand; request volume not modelled (small next to the event log)' };
    const indexes = list(get(r.props, 'globalSecondaryIndexes')).length + list(get(r.props, 'localSecondaryIndexes')).length;
    const units = c.events * Math.ceil(c.bytes / 1024) * (1 + indexes);
    const storage = firstMonthGbMonths(c.events, c.bytes) * (1 + indexes);
    const pitr = bool(get(r.props, 'pointInTimeRecovery', 'enabled')) === true ? A.dynamoPitrGbMonth : 0;
    return { usd: perMillion(units, A.dynamoWriteUnitPerMillion) + storage * (A.dynamoStorageGbMonth + pitr), basis: `${Math.round(units / 1e6)}M write units (1 + ${indexes} indexes per event), ${storage.toFixed(0)} GB-months` };
  },
  'aws:kinesis/stream:Stream': (r, c) => {
    if (get(r.props, 'streamModeDetails', 'streamMode') === 'ON_DEMAND') {
      return { usd: monthly(A.kinesisOnDemandStreamHour) + gb(c.events, c.bytes) * 0.08, basis: 'on-demand stream + ingress' };
    }
    const shards = num(get(r.props, 'shardCount')) ?? 1;
    return { usd: monthly(A.kinesisShardHour, shards) + perMillion(c.events * Math.ceil(c.bytes / 25600), A.kinesisPutUnitPerMillion), basis: `${shards} shards + PUT units` };
  },
  'aws:sqs/queue:Queue': (r, c) => (isDeadLetterName(r.name) ? { usd: 0, basis: 'dead letters only' }
    : { usd: perMillion(c.noncritical * 3, A.sqsRequestPerMillion), basis: 'send + receive + delete per non-critical event' }),
  'aws:sns/topic:Topic': (r, c) => (componentOf(r.urn ?? '') === 'observability' ? { usd: 0, basis: 'alarm notifications' }
    : { usd: perMillion(c.noncritical, A.snsPublishPerMillion), basis: 'one publish per non-critical event' }),
  'aws:lambda/function:Function': (r, c) => {
    const api = /(^|-)api(-|$)/.test(r.name);
    const invocations = api ? c.events : c.events / 100;
    const gbSeconds = invocations * 0.05 * ((num(get(r.props, 'memorySize')) ?? 128) / 1024);
    return { usd: perMillion(invocations, A.lambdaRequestPerMillion) + gbSeconds * A.lambdaGbSecond, basis: `${api ? 'one command per event' : 'batches of 100'}, 50 ms each` };
  },
  'aws:opensearch/domain:Domain': (r) => {
    const type = str(get(r.props, 'clusterConfig', 'instanceType')) ?? 'r6g.large.search';
    const count = num(get(r.props, 'clusterConfig', 'instanceCount')) ?? 1;
    const hourly = A.openSearchInstanceHour[type] ?? A.openSearchInstanceHour['r6g.large.search'] ?? 0;
    const disk = (num(get(r.props, 'ebsOptions', 'volumeSize')) ?? 10) * count;
    return { usd: monthly(hourly, count) + disk * A.openSearchGp3GbMonth, basis: `${count} x ${type} + ${disk} GB` };
  },
  'aws:kms/key:Key': fixed(A.kmsKeyMonth, 'one customer-managed key'),
  'aws:ec2/natGateway:NatGateway': fixed(monthly(A.natGatewayHour), 'NAT gateway hours (data processing not modelled)'),
  'aws:ec2/eip:Eip': fixed(monthly(A.publicIpv4Hour), 'public IPv4 address'),
  'aws:ec2/vpcEndpoint:VpcEndpoint': (r) => (get(r.props, 'vpcEndpointType') === 'Interface'
    ? { usd: monthly(A.interfaceEndpointAzHour, Math.max(1, list(get(r.props, 'subnetIds')).length)), basis: 'interface endpoint per AZ' }
    : { usd: 0, basis: 'gateway endpoint (free)' }),
  'aws:cloudwatch/metricAlarm:MetricAlarm': fixed(A.cloudWatchAlarmMonth, 'standard alarm'),
  'aws:cloudwatch/dashboard:Dashboard': fixed(A.cloudWatchDashboardMonth, 'dashboard'),
  'aws:apigatewayv2/api:Api': (r, c) => (get(r.props, 'protocolType') === 'HTTP'
    ? { usd: perMillion(c.events, A.apiGatewayHttpPerMillion), basis: 'one request per event' } : { usd: 0, basis: 'WebSocket messages not modelled' }),
  'gcp:firestore/database:Database': (r, c) => {
    const store = componentOf(r.urn ?? '') === 'eventstore';
    const writes = c.events * (store ? 2 : 1);
    const storage = firstMonthGbMonths(c.events, c.bytes) * (get(r.props, 'pointInTimeRecoveryEnablement') === 'POINT_IN_TIME_RECOVERY_ENABLED' ? 2 : 1);
    return { usd: (writes / 1e5) * G.firestoreWritesPer100k + storage * G.firestoreStorageGbMonth, basis: `${store ? 'event + stream head' : 'one read-model upsert'} per event` };
  },
  'gcp:pubsub/topic:Topic': (r, c) => pubsub(r, c, 'publish'),
  'gcp:pubsub/subscription:Subscription': (r, c) => pubsub(r, c, 'delivery'),
  'gcp:cloudrunv2/service:Service': (_r, c) => ({
    usd: perMillion(c.events, G.cloudRunRequestsPerMillion) + c.events * 0.05 * (G.cloudRunVcpuSecond + 0.5 * G.cloudRunGibSecond),
    basis: 'one request per event, 50 ms of 1 vCPU / 512 MiB',
  }),
  'gcp:kms/cryptoKey:CryptoKey': fixed(G.kmsKeyVersionMonth, 'one key version'),
  'azure-native:cosmosdb:SqlResourceSqlDatabase': (r) => {
    const max = num(get(r.props, 'options', 'autoscaleSettings', 'maxThroughput'));
    const manual = num(get(r.props, 'options', 'throughput'));
    if (max !== undefined) return { usd: monthly(Z.cosmosAutoscale100RuHour, max / 100), basis: `autoscale up to ${max} RU/s (billed at the maximum: upper bound)` };
    if (manual !== undefined) return { usd: monthly(Z.cosmosStandard100RuHour, manual / 100), basis: `${manual} RU/s provisioned` };
    return { usd: 0, basis: 'throughput on containers or serverless account' };
  },
  'azure-native:cosmosdb:DatabaseAccount': (r, c) => {
    const serverless = JSON.stringify(get(r.props, 'capabilities') ?? []).includes('EnableServerless');
    const backup = get(r.props, 'backupPolicy', 'type') === 'Continuous' ? Z.cosmosContinuousBackupGbMonth : 0;
    const storage = firstMonthGbMonths(c.events, c.bytes) * (Z.cosmosStorageGbMonth + backup);
    return { usd: storage + (serverless ? perMillion(c.events * 10, Z.cosmosServerlessPerMillionRu) : 0), basis: `storage${backup ? ' + continuous backup' : ''}${serverless ? ' + ~10 RU per event' : ''}` };
  },
  'azure-native:eventhub:Namespace': (r, c) => {
    const tier = str(get(r.props, 'sku', 'tier')) ?? str(get(r.props, 'sku', 'name')) ?? 'Standard';
    const cap = num(get(r.props, 'sku', 'capacity')) ?? 1;
    return tier === 'Premium' ? { usd: monthly(Z.eventHubsPremiumPuHour, cap), basis: `${cap} processing unit(s)` }
      : { usd: monthly(Z.eventHubsStandardTuHour, cap) + perMillion(c.events, Z.eventHubsStandardIngressPerMillion), basis: `${cap} throughput unit(s) + ingress` };
  },
  'azure-native:search:Service': (r) => {
    const sku = str(get(r.props, 'sku', 'name')) ?? 'standard';
    const units = (num(get(r.props, 'replicaCount')) ?? 1) * (num(get(r.props, 'partitionCount')) ?? 1);
    return { usd: monthly(Z.searchUnitHour[sku] ?? 0, units), basis: `${units} search unit(s) of ${sku}` };
  },
  'azure-native:web:WebApp': (r, c) => {
    const memory = (num(get(r.props, 'functionAppConfig', 'scaleAndConcurrency', 'instanceMemoryMB')) ?? 2048) / 1024;
    return { usd: perMillion(c.events, Z.functionsFlexPerMillion) + c.events * 0.05 * memory * Z.functionsFlexGbSecond, basis: `one execution per event, 50 ms at ${memory} GB` };
  },
  'azure-native:keyvault:Key': fixed(Z.keyVaultHsmKeyMonth, 'HSM-protected key'),
  'azure-native:network:NatGateway': fixed(monthly(Z.natGatewayHour), 'NAT gateway hours'),
  'azure-native:network:PublicIPAddress': fixed(monthly(Z.publicIpHour), 'static public IP'),
  'azure-native:network:PrivateEndpoint': fixed(monthly(Z.privateEndpointHour), 'private endpoint hours'),
  'azure-native:privatedns:PrivateZone': fixed(Z.privateDnsZoneMonth, 'private DNS zone'),
  'azure-native:webpubsub:WebPubSub': (r) => (String(get(r.props, 'sku', 'name')).startsWith('Free')
    ? { usd: 0, basis: 'free tier' } : { usd: Z.webPubSubStandardUnitMonth * (num(get(r.props, 'sku', 'capacity')) ?? 1), basis: 'standard units' }),
};

function pubsub(r: EstimatorResource, c: Ctx, what: string): { usd: number; basis: string } {
  const role = str(get(r.props, 'labels', 'nexus-role')) ?? '';
  if (role === 'deadletter' || role === 'notifications' || isDeadLetterName(r.name)) return { usd: 0, basis: `${role || 'dead-letter'} traffic not modelled` };
  const n = role.includes('noncritical') ? c.noncritical : c.events;
  const bytes = n * Math.max(1000, c.bytes);
  return { usd: (bytes / 2 ** 40) * G.pubsubPerTiB, basis: `one ${what} per ${role.includes('noncritical') ? 'non-critical ' : ''}event (1 KB minimum)` };
}

/** Estimates the monthly cost of a planned stack. Pure: same inputs, same answer. */
export function estimateMonthlyCost(resources: readonly EstimatorResource[], hints: ThroughputHints): CostEstimate {
  const events = Math.max(0, hints.eventsPerSecond) * Math.min(1, Math.max(0, hints.averageLoadFactor)) * SECONDS_PER_MONTH;
  const share = Math.min(1, Math.max(0, hints.noncriticalShare ?? 0));
  const ctx: Ctx = { events, bytes: Math.max(1, hints.eventBytes), noncritical: events * share };
  const lines: CostLine[] = [];
  const unpriced = new Set<string>();
  for (const r of resources) {
    const pricer = PRICERS[r.type];
    if (!pricer) { if (!r.type.startsWith('nexus:')) unpriced.add(r.type); continue; }
    const priced = pricer(r, ctx);
    if (priced && priced.usd > 0) lines.push({ resource: r.name, type: r.type, usd: Math.round(priced.usd * 100) / 100, basis: priced.basis });
  }
  lines.sort((a, b) => b.usd - a.usd);
  const totalUsd = Math.round(lines.reduce((s, l) => s + l.usd, 0) * 100) / 100;
  return { totalUsd, eventsPerMonth: Math.round(events), lines, unpriced: [...unpriced].sort(), pricesAsOf: PRICES_AS_OF };
}

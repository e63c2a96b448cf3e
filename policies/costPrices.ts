/**
 * Unit prices used by the cost estimator (ADR 0092). USD list prices for on-demand use in the
 * reference regions (AWS us-east-1, GCP us-central1 / multi-region where noted, Azure East US),
 * read from the providers' public pricing pages; no free tiers, discounts, taxes or data
 * transfer. European regions list 5-20 % higher. They are an order-of-magnitude guard for a
 * budget policy, not a bill: re-check them when PRICES_AS_OF is a year old.
 */
export const PRICES_AS_OF = '2025-06-01';

export const HOURS_PER_MONTH = 730;
export const SECONDS_PER_MONTH = 30 * 24 * 3600;

export const AWS_PRICES = {
  /** DynamoDB on-demand write request unit, per million (halved on 2024-11-01). */
  dynamoWriteUnitPerMillion: 0.625,
  dynamoStorageGbMonth: 0.25,
  dynamoPitrGbMonth: 0.20,
  dynamoProvisionedWcuHour: 0.00065,
  dynamoProvisionedRcuHour: 0.00013,
  kinesisShardHour: 0.015,
  /** 25 KB PUT payload units, per million. */
  kinesisPutUnitPerMillion: 0.014,
  kinesisOnDemandStreamHour: 0.04,
  sqsRequestPerMillion: 0.40,
  snsPublishPerMillion: 0.50,
  lambdaRequestPerMillion: 0.20,
  lambdaGbSecond: 0.0000166667,
  openSearchInstanceHour: {
    't3.small.search': 0.036, 't3.medium.search': 0.073, 'm6g.large.search': 0.128,
    'r6g.large.search': 0.167, 'r6g.xlarge.search': 0.335, 'r6g.2xlarge.search': 0.669,
  } as Readonly<Record<string, number>>,
  openSearchGp3GbMonth: 0.122,
  kmsKeyMonth: 1.0,
  natGatewayHour: 0.045,
  interfaceEndpointAzHour: 0.01,
  publicIpv4Hour: 0.005,
  cloudWatchAlarmMonth: 0.10,
  cloudWatchDashboardMonth: 3.0,
  apiGatewayHttpPerMillion: 1.0,
} as const;

export const GCP_PRICES = {
  firestoreWritesPer100k: 0.18,
  firestoreStorageGbMonth: 0.18,
  /** Pub/Sub throughput (publish + each subscription's delivery), per TiB; 1 KB minimum per message. */
  pubsubPerTiB: 40,
  cloudRunVcpuSecond: 0.000024,
  cloudRunGibSecond: 0.0000025,
  cloudRunRequestsPerMillion: 0.40,
  kmsKeyVersionMonth: 0.06,
} as const;

export const AZURE_PRICES = {
  /** Cosmos DB autoscale throughput, per 100 RU/s per hour (1.5 x standard provisioned). */
  cosmosAutoscale100RuHour: 0.012,
  cosmosStandard100RuHour: 0.008,
  /** Cosmos DB serverless, per million request units. */
  cosmosServerlessPerMillionRu: 0.25,
  cosmosStorageGbMonth: 0.25,
  cosmosContinuousBackupGbMonth: 0.20,
  eventHubsPremiumPuHour: 1.233,
  eventHubsStandardTuHour: 0.03,
  eventHubsStandardIngressPerMillion: 0.028,
  searchUnitHour: { basic: 0.101, standard: 0.336, standard2: 1.344, standard3: 2.688 } as Readonly<Record<string, number>>,
  functionsFlexGbSecond: 0.000026,
  functionsFlexPerMillion: 0.40,
  keyVaultHsmKeyMonth: 1.0,
  natGatewayHour: 0.045,
  publicIpHour: 0.005,
  privateEndpointHour: 0.01,
  privateDnsZoneMonth: 0.50,
  webPubSubStandardUnitMonth: 49,
} as const;

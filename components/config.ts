/**
 * The decoded stack configuration. `index.ts` calls `decodeConfig` ONCE on the raw `nexus:*`
 * values and passes the typed result down; components and providers never read pulumi.Config
 * or process.env. The key table (`CONFIG_KEYS`) is the single source: a unit test checks that
 * Pulumi.yaml declares exactly these keys with the same defaults.
 */
import { KEY_DECODERS, type RawConfig } from './configKeys';
import { ConfigError } from './configError';

export type { RawConfig };

export const CLOUDS = ['aws', 'gcp', 'azure', 'selfhosted'] as const;
export type Cloud = (typeof CLOUDS)[number];
export const ENVIRONMENTS = ['dev', 'staging', 'prod'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];
export const SEARCH_SIZES = ['small', 'medium', 'large'] as const;
export type SearchSize = (typeof SEARCH_SIZES)[number];

export interface NexusConfig {
  /** Which provider builds the platform. */
  readonly cloud: Cloud;
  readonly environment: Environment;
  /** AWS region, GCP region or Azure location. */
  readonly region: string;
  /** GCP project id (required when cloud = gcp). */
  readonly gcpProject?: string;
  /** Azure resource group to deploy into; created by the provider when absent. */
  readonly azureResourceGroup?: string;
  /** Deletion protection on stores; defaults to true outside dev. */
  readonly deletionProtection: boolean;
  readonly retention: {
    /** Core bus retention (Kinesis / Pub/Sub / Event Hubs), hours. */
    readonly busHours: number;
    /** How long dead letters are kept, days. */
    readonly deadLetterDays: number;
    /** Function/service log retention, days. */
    readonly logDays: number;
    /** TTL of idempotency records, hours. */
    readonly idempotencyHours: number;
  };
  readonly snapshots: {
    readonly everyNEvents: number;
    readonly maxAgeSeconds: number;
    /** How often the snapshot scheduler runs, minutes. */
    readonly scheduleMinutes: number;
  };
  readonly throughput: {
    /** Expected sustained events per second (sizing hint). */
    readonly eventsPerSecond: number;
    /** Core-bus partitions/shards derived from the hint (see `partitionsFor`). */
    readonly busPartitions: number;
  };
  readonly searchSize: SearchSize;
  readonly runtimeMemoryMb: number;
  /** Consumer groups that get their own subscription/queue on each path. */
  readonly consumerGroups: readonly string[];
  /** Event types routed on the non-critical path. */
  readonly noncriticalEventTypes: readonly string[];
  readonly alarms: {
    readonly emails: readonly string[];
    readonly dlqDepthThreshold: number;
    readonly relayLagSeconds: number;
  };
  /** Monthly budget in USD; absent = no budget alarm. */
  readonly monthlyBudgetUsd?: number;
  readonly otlpEndpoint?: string;
  /** How the API verifies bearer tokens (JWKS); absent only in dev, where the API refuses requests until set. */
  readonly auth?: ApiAuth;
  /** Extra tags/labels on every resource that supports them. */
  readonly tags: Readonly<Record<string, string>>;
  /** Connection settings of a self-hosted stack (present when cloud = selfhosted). */
  readonly selfhosted?: SelfhostedConfig;
}

export interface SelfhostedConfig {
  readonly postgres: { readonly host: string; readonly port: number; readonly database: string; readonly user: string; readonly schema: string };
  /** The PostgreSQL password (a Pulumi secret in the stack file; providers keep it secret). */
  readonly postgresPassword?: string;
  readonly natsServers: readonly string[];
  readonly apiUrl?: string;
}

/** Decodes the selfhosted* keys (required ones only when cloud = selfhosted). */
function decodeSelfhosted(url: string, password: string, natsServers: readonly string[], apiUrl: string): SelfhostedConfig {
  if (!url) throw new ConfigError('nexus:selfhostedPostgresUrl', 'required when nexus:cloud is "selfhosted" (postgres://user@host:port/database)');
  if (natsServers.length === 0) throw new ConfigError('nexus:selfhostedNatsServers', 'required when nexus:cloud is "selfhosted" (e.g. ["nats://10.0.0.5:4222"])');
  const u = new URL(url);
  return {
    postgres: {
      host: u.hostname, port: u.port ? Number(u.port) : 5432, database: u.pathname.slice(1),
      user: decodeURIComponent(u.username), schema: u.searchParams.get('schema') ?? 'nexus',
    },
    ...(password ? { postgresPassword: password } : {}),
    natsServers,
    ...(apiUrl ? { apiUrl } : {}),
  };
}

/** Kinesis takes 1,000 records/s per shard; keep 50% headroom. Event Hubs/Pub/Sub reuse the hint. */
export interface ApiAuth {
  readonly jwksUrl: string;
  readonly issuer?: string;
  readonly audience?: string;
}

export function partitionsFor(eventsPerSecond: number): number {
  return Math.max(1, Math.ceil((eventsPerSecond * 1.5) / 1000));
}

export { ConfigError };

/**
 * Decode raw stack config (`{ "nexus:cloud": "aws", ... }`, values as Pulumi gives them: strings,
 * with arrays/objects as JSON text; already-parsed values are accepted too). Keys of other
 * namespaces (aws:, gcp:, azure-native:) are ignored. Unknown `nexus:` keys and bad values throw
 * a ConfigError naming the key and what is allowed.
 */
export function decodeConfig(raw: RawConfig): NexusConfig {
  const known = Object.keys(KEY_DECODERS);
  for (const key of Object.keys(raw)) {
    if (!key.startsWith('nexus:')) continue;
    const short = key.slice('nexus:'.length);
    if (!known.includes(short)) {
      throw new ConfigError(key, `unknown key; allowed keys: ${known.map((k) => `nexus:${k}`).join(', ')}`);
    }
  }
  const v = <K extends keyof typeof KEY_DECODERS>(k: K): ReturnType<(typeof KEY_DECODERS)[K]['decode']> =>
    KEY_DECODERS[k].decode(raw[`nexus:${k}`], `nexus:${k}`) as ReturnType<(typeof KEY_DECODERS)[K]['decode']>;

  const cloud = v('cloud');
  const environment = v('environment');
  const gcpProject = v('gcpProject');
  if (cloud === 'gcp' && !gcpProject) throw new ConfigError('nexus:gcpProject', 'required when nexus:cloud is "gcp"');
  const eventsPerSecond = v('eventsPerSecond');
  const protection = v('deletionProtection');
  const deletionProtection = protection === 'auto' ? environment !== 'dev' : protection === 'on';
  const groups = v('consumerGroups');
  for (const g of groups) {
    if (!/^[a-z][a-z0-9-]{0,30}$/.test(g)) throw new ConfigError('nexus:consumerGroups', `"${g}" must match ^[a-z][a-z0-9-]{0,30}$`);
  }
  const budget = v('monthlyBudgetUsd');
  const otlp = v('otlpEndpoint');
  const rg = v('azureResourceGroup');
  const jwksUrl = v('authJwksUrl');
  if (!jwksUrl && environment !== 'dev') throw new ConfigError('nexus:authJwksUrl', `required when nexus:environment is "${environment}" (the API verifies tokens with it)`);
  const issuer = v('authIssuer');
  const audience = v('authAudience');
  return {
    cloud,
    environment,
    region: v('region'),
    ...(gcpProject ? { gcpProject } : {}),
    ...(rg ? { azureResourceGroup: rg } : {}),
    deletionProtection,
    retention: {
      busHours: v('busRetentionHours'),
      deadLetterDays: v('deadLetterRetentionDays'),
      logDays: v('logRetentionDays'),
      idempotencyHours: v('idempotencyTtlHours'),
    },
    snapshots: {
      everyNEvents: v('snapshotEveryNEvents'),
      maxAgeSeconds: v('snapshotMaxAgeSeconds'),
      scheduleMinutes: v('snapshotScheduleMinutes'),
    },
    throughput: { eventsPerSecond, busPartitions: partitionsFor(eventsPerSecond) },
    searchSize: v('searchSize'),
    runtimeMemoryMb: v('runtimeMemoryMb'),
    consumerGroups: groups,
    noncriticalEventTypes: v('noncriticalEventTypes'),
    alarms: { emails: v('alarmEmails'), dlqDepthThreshold: v('dlqDepthThreshold'), relayLagSeconds: v('relayLagThresholdSeconds') },
    ...(budget > 0 ? { monthlyBudgetUsd: budget } : {}),
    ...(otlp ? { otlpEndpoint: otlp } : {}),
    ...(jwksUrl ? { auth: { jwksUrl, ...(issuer ? { issuer } : {}), ...(audience ? { audience } : {}) } } : {}),
    tags: v('tags'),
    ...(cloud === 'selfhosted'
      ? { selfhosted: decodeSelfhosted(v('selfhostedPostgresUrl'), v('selfhostedPostgresPassword'), v('selfhostedNatsServers'), v('selfhostedApiUrl')) }
      : {}),
  };
}

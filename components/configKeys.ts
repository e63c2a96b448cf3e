/**
 * The table of `nexus:*` stack config keys: type, default, description and a decoder that
 * names the key and the allowed values on a bad value. Pulumi.yaml mirrors this table (a unit
 * test keeps them equal); `decodeConfig` in ./config.ts assembles the typed NexusConfig.
 */
import { ConfigError } from './configError';

/** Raw config as Pulumi hands it over: `nexus:key` → string (JSON text for arrays/objects) or a parsed value. */
export type RawConfig = Readonly<Record<string, unknown>>;

export interface KeyDecoder<T> {
  /** The Pulumi.yaml `type` of the key. */
  readonly type: 'string' | 'integer' | 'boolean' | 'array';
  /** Default when the key is absent (undefined: required or optional without default). */
  readonly default?: unknown;
  readonly description: string;
  decode(raw: unknown, key: string): T;
}

function parseJson(raw: unknown, key: string, expected: string): unknown {
  if (typeof raw !== 'string') return raw;
  try {
    return JSON.parse(raw);
  } catch {
    throw new ConfigError(key, `expected ${expected} (as YAML or JSON), got ${JSON.stringify(raw)}`);
  }
}

export function oneOf<const V extends string>(values: readonly V[], def: V | undefined, description: string): KeyDecoder<V> {
  return {
    type: 'string', default: def, description,
    decode(raw, key) {
      if (raw === undefined || raw === '') {
        if (def === undefined) throw new ConfigError(key, `required; allowed values: ${values.join(', ')}`);
        return def;
      }
      if (typeof raw !== 'string' || !(values as readonly string[]).includes(raw)) {
        throw new ConfigError(key, `${JSON.stringify(raw)} is not allowed; allowed values: ${values.join(', ')}`);
      }
      return raw as V;
    },
  };
}

export function integer(min: number, max: number, def: number | undefined, description: string): KeyDecoder<number> {
  return {
    type: 'integer', default: def, description,
    decode(raw, key) {
      if (raw === undefined || raw === '') {
        if (def === undefined) throw new ConfigError(key, `required; allowed values: integers ${min}..${max}`);
        return def;
      }
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw) : NaN;
      if (!Number.isInteger(n) || n < min || n > max) {
        throw new ConfigError(key, `${JSON.stringify(raw)} is not allowed; allowed values: integers ${min}..${max}`);
      }
      return n;
    },
  };
}

export function text(pattern: RegExp, required: boolean, description: string, def?: string): KeyDecoder<string> {
  return {
    type: 'string', default: def, description,
    decode(raw, key) {
      if (raw === undefined || raw === '') {
        if (def !== undefined) return def;
        if (required) throw new ConfigError(key, `required; allowed values: strings matching ${String(pattern)}`);
        return '';
      }
      if (typeof raw !== 'string' || !pattern.test(raw)) {
        throw new ConfigError(key, `${JSON.stringify(raw)} is not allowed; allowed values: strings matching ${String(pattern)}`);
      }
      return raw;
    },
  };
}

export function stringList(item: RegExp, def: readonly string[], description: string): KeyDecoder<readonly string[]> {
  return {
    type: 'array', default: def, description,
    decode(raw, key) {
      if (raw === undefined || raw === '') return def;
      const v = parseJson(raw, key, 'a list of strings');
      if (!Array.isArray(v)) throw new ConfigError(key, `expected a list of strings, got ${JSON.stringify(raw)}`);
      return v.map((x, i) => {
        if (typeof x !== 'string' || !item.test(x)) {
          throw new ConfigError(`${key}[${i}]`, `${JSON.stringify(x)} is not allowed; allowed values: strings matching ${String(item)}`);
        }
        return x;
      });
    },
  };
}

/** `["key=value", ...]` → record (Pulumi project config has no map type, so tags are a list). */
export function keyValueList(description: string): KeyDecoder<Readonly<Record<string, string>>> {
  const list = stringList(/^[A-Za-z0-9_.:/-]{1,128}=[^=]{0,256}$/, [], description);
  return {
    type: 'array', default: [], description,
    decode(raw, key) {
      const out: Record<string, string> = {};
      for (const item of list.decode(raw, key)) {
        const i = item.indexOf('=');
        out[item.slice(0, i)] = item.slice(i + 1);
      }
      return out;
    },
  };
}

const EVENT_TYPE = /^[A-Za-z][A-Za-z0-9_.-]*$/;

/** Every `nexus:` key, without its namespace. Order is the order Pulumi.yaml lists them in. */
export const KEY_DECODERS = {
  cloud: oneOf(['aws', 'gcp', 'azure', 'selfhosted'] as const, undefined, 'Cloud the platform is provisioned on: aws, gcp, azure or selfhosted.'),
  environment: oneOf(['dev', 'staging', 'prod'] as const, 'dev', 'Deployment environment; outside dev, stores get deletion protection and nexus:authJwksUrl is required.'),
  region: text(/^[a-z][a-z0-9-]{1,30}[a-z0-9]$/, true, 'AWS region, GCP region or Azure location (e.g. eu-west-1, europe-west1, westeurope).'),
  gcpProject: text(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, false, 'GCP project id; required when nexus:cloud is gcp.', ''),
  azureResourceGroup: text(/^[-\w.()]{1,90}$/, false, 'Existing Azure resource group to deploy into; a new one is created when empty.', ''),
  deletionProtection: oneOf(['auto', 'on', 'off'] as const, 'auto', 'Protect stores from deletion: on, off, or auto (on unless nexus:environment is dev).'),
  busRetentionHours: integer(24, 168, 24, 'Core event bus retention in hours (24-168).'),
  deadLetterRetentionDays: integer(1, 14, 14, 'How long dead letters are kept, in days (1-14).'),
  logRetentionDays: integer(1, 3653, 30, 'Runtime log retention in days.'),
  idempotencyTtlHours: integer(1, 720, 24, 'How long idempotency keys are remembered, in hours.'),
  snapshotEveryNEvents: integer(1, 100000, 100, 'Snapshot an aggregate after this many events since its last snapshot.'),
  snapshotMaxAgeSeconds: integer(60, 604800, 3600, 'The scheduler snapshots streams with unsnapshotted events older than this, in seconds.'),
  snapshotScheduleMinutes: integer(1, 1440, 15, 'How often the snapshot scheduler runs, in minutes.'),
  eventsPerSecond: integer(1, 1000000, 100, 'Throughput hint: expected sustained events per second; sizes bus partitions/shards.'),
  searchSize: oneOf(['small', 'medium', 'large'] as const, 'small', 'Search/read-model capacity tier: small, medium or large.'),
  runtimeMemoryMb: integer(128, 10240, 512, 'Memory of each runtime function/service, in MB.'),
  consumerGroups: stringList(/^[a-z][a-z0-9-]{0,30}$/, ['projections', 'sagas'], 'Consumer groups that get their own subscription/queue (with a dead-letter) on each bus path.'),
  noncriticalEventTypes: stringList(EVENT_TYPE, [], 'Event types sent on the non-critical bus path; all others take the ordered core path.'),
  alarmEmails: stringList(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, [], 'E-mail addresses notified by alarms.'),
  dlqDepthThreshold: integer(1, 1000000, 1, 'Alarm when a dead-letter queue holds at least this many messages.'),
  relayLagThresholdSeconds: integer(1, 86400, 60, 'Alarm when the outbox relay lags the event store by more than this, in seconds.'),
  monthlyBudgetUsd: integer(0, 10000000, 0, 'Monthly budget in USD; a budget alarm is created when above 0.'),
  authJwksUrl: text(/^https:\/\/\S+$/, false, 'JWKS URL the API verifies bearer tokens with; required outside dev.', ''),
  authIssuer: text(/^\S+$/, false, 'Expected token issuer (iss); empty = not checked.', ''),
  authAudience: text(/^\S+$/, false, 'Expected token audience (aud); empty = not checked.', ''),
  otlpEndpoint: text(/^https?:\/\/\S+$/, false, 'OTLP/HTTP endpoint for traces and metrics, in addition to the cloud-native target; empty = none.', ''),
  tags: keyValueList('Extra tags/labels as "key=value" items, applied to every resource that supports them.'),
  selfhostedPostgresUrl: text(/^postgres(ql)?:\/\/[^\s:@/]+@[^\s:@/]+(:\d{1,5})?\/[A-Za-z_][A-Za-z0-9_]*(\?schema=[a-z_][a-z0-9_]*)?$/, false, 'Self-hosted PostgreSQL as postgres://user@host:port/database?schema=nexus (no password); required when nexus:cloud is selfhosted.', ''),
  selfhostedPostgresPassword: text(/^.{1,256}$/, false, 'Password of the self-hosted PostgreSQL user; set it as a secret (pulumi config set --secret).', ''),
  selfhostedNatsServers: stringList(/^((nats|tls):\/\/)?[A-Za-z0-9.-]+:\d{1,5}$/, [], 'NATS JetStream servers of the self-hosted bus (host:port or nats://host:port); required when nexus:cloud is selfhosted.'),
  selfhostedApiUrl: text(/^https?:\/\/\S+$/, false, 'Base URL where the self-hosted Nexus runtime serves its API (and the registry under /registry).', ''),
} as const;

export type ConfigKey = keyof typeof KEY_DECODERS;

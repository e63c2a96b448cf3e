/**
 * Storage rules for the event store (events, snapshots, checkpoints) on every cloud: customer-
 * managed encryption outside dev, point-in-time recovery, deletion protection outside dev, and
 * no TTL on the event log. Each rule is a cloud-neutral function over StoreFacts, run through the
 * per-cloud mapping in mapping/stores.ts.
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from '@pulumi/policy';
import { configWithDefaults, DEFAULT_DEV_ENVIRONMENTS, environmentOf, isDev, type Props } from './policyKit';
import { collect, validateMapped, type Mapping } from './mapping/types';
import { hasStoreSettings, storeMappings, type StoreFacts } from './mapping/stores';

export interface EnvironmentConfig { readonly devEnvironments: readonly string[] }
const ENV_DEFAULTS: EnvironmentConfig = { devEnvironments: DEFAULT_DEV_ENVIRONMENTS };
const envSchema = {
  properties: {
    devEnvironments: {
      type: 'array' as const, items: { type: 'string' as const }, default: [...DEFAULT_DEV_ENVIRONMENTS],
      description: 'Environments (nexus-environment tag, else stack name) treated as dev: exempt from this rule.',
    },
  },
};

export function eventStoreEncryptedPolicy(mappings: readonly Mapping<StoreFacts>[]): ResourceValidationPolicy {
  return {
    name: 'event-store-encrypted',
    description: 'Event and snapshot stores are encrypted at rest with a customer-managed key outside dev.',
    enforcementLevel: 'mandatory',
    configSchema: envSchema,
    validateResource: validateMapped(mappings, (f, args, report) => {
      if (!hasStoreSettings(f) || f.encryption === 'customer-managed') return;
      const cfg = configWithDefaults(args, ENV_DEFAULTS);
      const env = environmentOf(args.props as Props, args.urn);
      if (isDev(env, cfg.devEnvironments)) return;
      report(`${f.label} is encrypted with a provider-managed key in environment "${env}"; expected a customer-managed key (KMS / Cloud KMS / Key Vault).`);
    }),
  };
}

export function eventStorePitrPolicy(mappings: readonly Mapping<StoreFacts>[]): ResourceValidationPolicy {
  return {
    name: 'event-store-point-in-time-recovery',
    description: 'Event and snapshot stores have point-in-time recovery (continuous backup) enabled.',
    enforcementLevel: 'mandatory',
    validateResource: validateMapped(mappings, (f, _args, report) => {
      if (f.pointInTimeRecovery === false) report(`${f.label} has no point-in-time recovery; expected it on (DynamoDB PITR, Firestore PITR, Cosmos DB continuous backup).`);
    }),
  };
}

export function eventLogNoTtlPolicy(mappings: readonly Mapping<StoreFacts>[]): ResourceValidationPolicy {
  return {
    name: 'event-log-no-ttl',
    description: 'The event log never expires events (no TTL on the events table, collection or container).',
    enforcementLevel: 'mandatory',
    validateResource: validateMapped(mappings, (f, _args, report) => {
      if (f.eventTtl === true) report(`${f.label} lets events expire (TTL); the event log is the source of truth and must keep every event.`);
    }),
  };
}

export function eventStoreDeletionProtectionPolicy(mappings: readonly Mapping<StoreFacts>[]): StackValidationPolicy {
  return {
    name: 'event-store-deletion-protection',
    description: 'Event and snapshot stores are protected against deletion outside dev.',
    enforcementLevel: 'mandatory',
    configSchema: envSchema,
    validateStack: (args, report) => {
      const cfg = configWithDefaults(args, ENV_DEFAULTS);
      for (const { resource, facts } of collect(mappings, args.resources)) {
        if (facts.deletionProtection === undefined || facts.deletionProtection || resource.opts.protect) continue;
        const env = environmentOf(resource.props as Props, resource.urn);
        if (isDev(env, cfg.devEnvironments)) continue;
        report(`${facts.label} can be deleted in environment "${env}"; expected deletion protection (DynamoDB deletionProtectionEnabled, Firestore deleteProtectionState, an Azure CanNotDelete lock) or protect: true.`, resource.urn);
      }
    },
  };
}

export const eventStoreEncrypted = eventStoreEncryptedPolicy(storeMappings);
export const eventStorePointInTimeRecovery = eventStorePitrPolicy(storeMappings);
export const eventLogNoTtl = eventLogNoTtlPolicy(storeMappings);
export const eventStoreDeletionProtection = eventStoreDeletionProtectionPolicy(storeMappings);

export const storagePolicies = [eventStoreEncrypted, eventStorePointInTimeRecovery, eventLogNoTtl, eventStoreDeletionProtection];

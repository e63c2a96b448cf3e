/**
 * The arguments of every Nexus component. Each component passes its args (defaults applied by
 * providers from ./defaults.ts) unchanged to its provider method, so these
 * interfaces are part of the provider contract (./provider.ts). Fields a provider needs to shape
 * resources (cloud, names, consumer groups, schemas) are plain values; tunables are pulumi.Input.
 */
import type * as pulumi from '@pulumi/pulumi';
import type { NexusManifest } from '../runtime/manifest';
import type { ApiAuth, Cloud, Environment, SearchSize, SelfhostedConfig } from './config';
import type {
  EventStoreOutputs, EventBusOutputs, SchemaRegistryOutputs, SearchIndexOutputs, NotificationsOutputs, RuntimeOutputs,
} from './outputs';

/** Where and how a component is deployed; shared by every component of one platform. */
export interface Placement {
  /** Cloud whose provider builds the component; required. */
  readonly cloud: Cloud;
  /** Deployment environment; default "dev". */
  readonly environment: Environment;
  /** AWS region / GCP region / Azure location; required. */
  readonly region: string;
  /** GCP project id; required on gcp, ignored elsewhere. */
  readonly gcpProject?: string;
  /** Azure resource group name; default: the provider creates one. */
  readonly azureResourceGroup?: string;
  /** Connection settings of the self-hosted servers; required on selfhosted, ignored elsewhere. */
  readonly selfhosted?: SelfhostedConfig;
  /** Deletion protection on stores; default true outside dev. */
  readonly deletionProtection: boolean;
  /** Tags/labels for every taggable resource; default {}. */
  readonly tags: Readonly<Record<string, string>>;
}

export interface EventStoreArgs {
  /** Where the store lives; required. */
  readonly placement: Placement;
  /** TTL of idempotency records in hours; default 24. */
  readonly idempotencyTtlHours?: pulumi.Input<number>;
}

export interface EventBusArgs {
  /** Where the bus lives; required. */
  readonly placement: Placement;
  /** Core path retention in hours; default 24. */
  readonly retentionHours?: pulumi.Input<number>;
  /** Core path partitions/shards; default 1. */
  readonly partitions?: pulumi.Input<number>;
  /** Consumer groups, each with its own subscription/queue and dead-letter; default ["projections", "sagas"]. */
  readonly consumerGroups?: readonly string[];
  /** Dead-letter retention in days; default 14. */
  readonly deadLetterRetentionDays?: pulumi.Input<number>;
  /** Deliveries before a message is dead-lettered; default 5. */
  readonly maxDeliveryAttempts?: pulumi.Input<number>;
}

export type Compatibility =
  | 'BACKWARD' | 'BACKWARD_TRANSITIVE' | 'FORWARD' | 'FORWARD_TRANSITIVE' | 'FULL' | 'FULL_TRANSITIVE' | 'NONE';

/** One schema file of `schemas/`, read by index.ts at program time and passed down as data. */
export interface SchemaDefinition {
  /** Registry subject = the event type's Avro full name (e.g. "nexus.orders.OrderPlaced"). */
  readonly subject: string;
  /** Schema version (from the file name, `.v<N>.avsc`). */
  readonly version: number;
  /** The Avro schema text. */
  readonly definition: string;
  /** The subject's compatibility mode. */
  readonly compatibility: Compatibility;
  /** Repository-relative path of the file, for error messages. */
  readonly file: string;
}

export interface SchemaRegistryArgs {
  /** Where the registry lives; required. */
  readonly placement: Placement;
  /** Every schema version to register, oldest version first per subject; default []. */
  readonly schemas?: readonly SchemaDefinition[];
  /** Compatibility of subjects without their own; default "BACKWARD". */
  readonly defaultCompatibility?: Compatibility;
}

export interface SearchIndexArgs {
  /** Where the search/read-model store lives; required. */
  readonly placement: Placement;
  /** Capacity tier; default "small". */
  readonly size?: SearchSize;
}

export interface NotificationsArgs {
  /** Where the notification channel lives; required. */
  readonly placement: Placement;
  /** Idle WebSocket connection records expire after this many hours; default 2. */
  readonly connectionTtlHours?: pulumi.Input<number>;
}

export interface RuntimeArgs {
  /** Where the runtime runs; required. */
  readonly placement: Placement;
  /** The manifest injected into every function/service as NEXUS_MANIFEST (without `api`); required. */
  readonly manifest: pulumi.Input<NexusManifest>;
  /** Directory of the shared runtime bundle (scripts/build-bundle.ts); default "dist/runtime". */
  readonly bundleDir?: string;
  /** The event store's outputs (tables, change feed, key) the runtime is granted; required. */
  readonly eventStore: EventStoreOutputs;
  /** The bus's outputs (streams/topics, queues, DLQs) the runtime publishes to and consumes; required. */
  readonly bus: EventBusOutputs;
  /** The registry's outputs the runtime reads schemas from; required. */
  readonly registry: SchemaRegistryOutputs;
  /** The search store's outputs (endpoint, network) projections write to; required. */
  readonly search: SearchIndexOutputs;
  /** The notification channel's outputs the API pushes through; required. */
  readonly notifications: NotificationsOutputs;
  /** Consumer groups served by the runtime; default ["projections", "sagas"]. */
  readonly consumerGroups?: readonly string[];
  /** Memory per function/service in MB; default 512. */
  readonly memoryMb?: pulumi.Input<number>;
  /** Snapshot scheduler period in minutes; default 15. */
  readonly snapshotScheduleMinutes?: pulumi.Input<number>;
  /** Log retention in days; default 30. */
  readonly logRetentionDays?: pulumi.Input<number>;
  /** Token verification for the API (NEXUS_JWKS_URL / NEXUS_JWT_ISSUER / NEXUS_JWT_AUDIENCE); default none: the API refuses requests. */
  readonly auth?: ApiAuth;
}

export interface ObservabilityArgs {
  /** Where alarms and dashboards live; required. */
  readonly placement: Placement;
  /** The event store to watch (throttling); required. */
  readonly eventStore: EventStoreOutputs;
  /** The bus to watch (DLQ depth, consumer lag, throttling); required. */
  readonly bus: EventBusOutputs;
  /** The search store to watch (health); required. */
  readonly search: SearchIndexOutputs;
  /** The runtime to watch (relay lag, function throttling/errors); required. */
  readonly runtime: RuntimeOutputs;
  /** E-mail addresses notified by alarms; default []. */
  readonly alarmEmails?: readonly string[];
  /** DLQ depth that raises an alarm; default 1. */
  readonly dlqDepthThreshold?: pulumi.Input<number>;
  /** Relay lag (seconds) that raises an alarm; default 60. */
  readonly relayLagSeconds?: pulumi.Input<number>;
  /** Monthly budget in USD; default none (no budget alarm). */
  readonly monthlyBudgetUsd?: pulumi.Input<number>;
}

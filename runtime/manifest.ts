/**
 * The deploy → runtime contract. Each provider's NexusPlatform exports one `manifest` output of
 * this shape; `createRuntime(manifest)` picks adapters from it. The runtime owns the contract:
 * the JSON Schema next to this file (manifest.schema.json) is validated on both sides.
 * Bump MANIFEST_VERSION on any incompatible change.
 */
export const MANIFEST_VERSION = 1 as const;

export type CloudName = 'local' | 'aws' | 'gcp' | 'azure' | 'selfhosted';

export type EventStoreManifest =
  | { readonly kind: 'memory' }
  | { readonly kind: 'sqlite'; readonly path: string }
  | {
      readonly kind: 'dynamodb';
      readonly region: string;
      readonly eventsTable: string;
      readonly snapshotsTable: string;
      readonly checkpointsTable: string;
      /** Test/local override of the service endpoint. */
      readonly endpoint?: string;
    }
  | {
      readonly kind: 'firestore';
      readonly projectId: string;
      readonly database: string;
      /** Collection names are prefixed with this (e.g. "nexus_"). */
      readonly collectionPrefix: string;
    }
  | {
      readonly kind: 'cosmos';
      readonly endpoint: string;
      readonly database: string;
      readonly eventsContainer: string;
      readonly snapshotsContainer: string;
      readonly checkpointsContainer: string;
    }
  | {
      readonly kind: 'postgres';
      readonly host: string;
      readonly port: number;
      readonly database: string;
      readonly user: string;
      /** Name of the environment variable / secret that holds the password (never the password). */
      readonly passwordSecret?: string;
      readonly schema: string;
    };

export type EventBusManifest =
  | { readonly kind: 'memory' }
  | { readonly kind: 'sqlite'; readonly path: string }
  | {
      readonly kind: 'kinesis+sns';
      readonly region: string;
      /** Core path: Kinesis stream (ordered per partition key). */
      readonly stream: string;
      /** Non-critical path: SNS topic fanned out to SQS queues with DLQs. */
      readonly topicArn: string;
      /** Consumer group → SQS queue URL (+ its DLQ URL) for the non-critical path. */
      readonly queues: Readonly<Record<string, { readonly queueUrl: string; readonly dlqUrl: string }>>;
      /** Core-path dead letters (SQS queue that failed Kinesis records land in). */
      readonly coreDlqUrl: string;
      /** DynamoDB table (checkpoints key schema) for core-path group checkpoints and shard leases; usually eventStore.checkpointsTable. */
      readonly checkpointsTable?: string;
      readonly endpoint?: string;
    }
  | {
      readonly kind: 'pubsub';
      readonly projectId: string;
      readonly coreTopic: string;
      readonly noncriticalTopic: string;
      readonly deadLetterTopic: string;
      /** Consumer group → subscription name per path. */
      readonly subscriptions: Readonly<Record<string, { readonly core?: string; readonly noncritical?: string }>>;
    }
  | {
      readonly kind: 'eventhubs';
      /** e.g. "nexus-prod.servicebus.windows.net". */
      readonly fullyQualifiedNamespace: string;
      readonly coreHub: string;
      readonly noncriticalHub: string;
      /** Consumer group → Event Hubs consumer group name. */
      readonly consumerGroups: Readonly<Record<string, string>>;
      /** Where dead letters go (see the Azure dead-letter ADR). */
      readonly deadLetter: { readonly kind: 'cosmos'; readonly endpoint: string; readonly database: string; readonly container: string };
      /** Checkpoint/ownership store for consumers. */
      readonly checkpointContainer: string;
    }
  | { readonly kind: 'jetstream'; readonly servers: readonly string[]; readonly streamPrefix: string };

export type SchemaRegistryManifest =
  | { readonly kind: 'local'; readonly path: string; readonly schemasDir: string }
  | { readonly kind: 'glue'; readonly region: string; readonly registryName: string; readonly endpoint?: string }
  | { readonly kind: 'pubsub-schemas'; readonly projectId: string; readonly subjectPrefix: string }
  | { readonly kind: 'azure-schema-registry'; readonly fullyQualifiedNamespace: string; readonly group: string }
  | { readonly kind: 'confluent'; readonly url: string };

export type SearchIndexManifest =
  | { readonly kind: 'memory' }
  | { readonly kind: 'sqlite-fts'; readonly path: string }
  | { readonly kind: 'opensearch'; readonly endpoint: string; readonly region: string }
  /** GCP: read models in a dedicated Firestore database (see docs/adr, GCP search choice). */
  | { readonly kind: 'firestore'; readonly projectId: string; readonly database: string; readonly collectionPrefix: string }
  | { readonly kind: 'azure-ai-search'; readonly endpoint: string }
  | {
      readonly kind: 'postgres';
      readonly host: string;
      readonly port: number;
      readonly database: string;
      readonly user: string;
      readonly passwordSecret?: string;
      readonly schema: string;
    };

export type NotifierManifest =
  | { readonly kind: 'memory' }
  | { readonly kind: 'websocket-local' }
  | { readonly kind: 'apigateway-websocket'; readonly region: string; readonly managementEndpoint: string; readonly connectionsTable: string }
  | { readonly kind: 'cloudrun-websocket'; readonly serviceUrl: string; readonly projectId: string; readonly topic: string }
  | { readonly kind: 'webpubsub'; readonly endpoint: string; readonly hub: string };

export interface NexusManifest {
  readonly manifestVersion: typeof MANIFEST_VERSION;
  readonly cloud: CloudName;
  /** Pulumi project/stack that produced the manifest ("local" for npm start). */
  readonly stack: string;
  readonly environment: 'dev' | 'staging' | 'prod' | (string & {});
  readonly region?: string;
  readonly eventStore: EventStoreManifest;
  readonly bus: EventBusManifest;
  readonly registry: SchemaRegistryManifest;
  readonly search: SearchIndexManifest;
  readonly notifications: NotifierManifest;
  readonly snapshots: {
    /** Snapshot after this many events since the last snapshot. */
    readonly everyNEvents: number;
    /** Snapshot streams that went quiet with unsnapshotted events older than this. */
    readonly maxAgeSeconds: number;
  };
  /** Event types sent on the non-critical path; every other type takes the core path. */
  readonly routing: { readonly noncritical: readonly string[] };
  readonly api?: { readonly url?: string; readonly websocketUrl?: string };
  readonly observability?: {
    readonly otlpEndpoint?: string;
    /** The cloud-native target (X-Ray/CloudWatch, Cloud Trace/Monitoring, Application Insights). */
    readonly nativeTarget?: string;
  };
}

/** The local stack `npm start` runs: everything in SQLite files under `dir`. */
export function localManifest(dir = '.nexus'): NexusManifest {
  return {
    manifestVersion: MANIFEST_VERSION,
    cloud: 'local',
    stack: 'local',
    environment: 'dev',
    eventStore: { kind: 'sqlite', path: `${dir}/events.db` },
    bus: { kind: 'sqlite', path: `${dir}/bus.db` },
    registry: { kind: 'local', path: `${dir}/registry.db`, schemasDir: 'schemas' },
    search: { kind: 'sqlite-fts', path: `${dir}/search.db` },
    notifications: { kind: 'websocket-local' },
    snapshots: { everyNEvents: 100, maxAgeSeconds: 3600 },
    routing: { noncritical: [] },
  };
}

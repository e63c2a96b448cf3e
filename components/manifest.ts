/**
 * Pure assembly of the NexusManifest from the components' manifest sections and the decoded
 * config (tested without mocks). NexusPlatform calls it twice: once without `api` for the
 * runtime's own configuration (the API's URL does not exist yet), once with it for the output.
 */
import { MANIFEST_VERSION } from '../runtime/manifest';
import type {
  NexusManifest, EventStoreManifest, EventBusManifest, SchemaRegistryManifest, SearchIndexManifest, NotifierManifest,
} from '../runtime/manifest';
import type { NexusConfig } from './config';
import type { Placement } from './args';

export interface ManifestSections {
  readonly eventStore: EventStoreManifest;
  readonly bus: EventBusManifest;
  readonly registry: SchemaRegistryManifest;
  readonly search: SearchIndexManifest;
  readonly notifications: NotifierManifest;
}

export interface ManifestExtras {
  readonly api?: { readonly url?: string; readonly websocketUrl?: string };
  readonly nativeTarget?: string;
}

export function assembleManifest(config: NexusConfig, stack: string, sections: ManifestSections, extras: ManifestExtras = {}): NexusManifest {
  const observability = {
    ...(config.otlpEndpoint ? { otlpEndpoint: config.otlpEndpoint } : {}),
    ...(extras.nativeTarget ? { nativeTarget: extras.nativeTarget } : {}),
  };
  return {
    manifestVersion: MANIFEST_VERSION,
    cloud: config.cloud,
    stack,
    environment: config.environment,
    region: config.region,
    eventStore: sections.eventStore,
    bus: withBusCheckpoints(sections.bus, sections.eventStore),
    registry: sections.registry,
    search: sections.search,
    notifications: sections.notifications,
    snapshots: { everyNEvents: config.snapshots.everyNEvents, maxAgeSeconds: config.snapshots.maxAgeSeconds },
    routing: { noncritical: [...config.noncriticalEventTypes] },
    ...(extras.api ? { api: extras.api } : {}),
    ...(Object.keys(observability).length > 0 ? { observability } : {}),
  };
}

/**
 * The AWS core path keeps its consumer-group checkpoints and shard leases in the event store's
 * checkpoints table (ADR 0051); the bus provider does not see that table, so it is joined here.
 */
function withBusCheckpoints(bus: EventBusManifest, store: EventStoreManifest): EventBusManifest {
  if (bus.kind === 'kinesis+sns' && store.kind === 'dynamodb' && bus.checkpointsTable === undefined) {
    return { ...bus, checkpointsTable: store.checkpointsTable };
  }
  return bus;
}

/** The placement every component of one platform shares, derived from the config. */
export function placementFrom(config: NexusConfig): Placement {
  return {
    cloud: config.cloud,
    environment: config.environment,
    region: config.region,
    ...(config.gcpProject ? { gcpProject: config.gcpProject } : {}),
    ...(config.azureResourceGroup ? { azureResourceGroup: config.azureResourceGroup } : {}),
    ...(config.selfhosted ? { selfhosted: config.selfhosted } : {}),
    deletionProtection: config.deletionProtection,
    tags: { 'nexus-environment': config.environment, ...config.tags },
  };
}

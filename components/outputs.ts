/**
 * What each provider method returns: the component's manifest section plus provider-specific
 * refs for sibling components. Part of the provider contract (./provider.ts).
 */
import type * as pulumi from '@pulumi/pulumi';
import type {
  EventStoreManifest, EventBusManifest, SchemaRegistryManifest, SearchIndexManifest, NotifierManifest,
} from '../runtime/manifest';

/**
 * Provider-specific identifiers handed from one method of a provider to later methods of the
 * SAME provider (table ARNs, stream ARNs, KMS key ids, subnet ids...). Components pass them
 * through untouched; read them with `requireRef` so a missing key is a clear error.
 */
export type ProviderRefs = Readonly<Record<string, pulumi.Output<string>>>;

export interface SectionOutputs<M> {
  /** This component's section of the manifest. */
  readonly manifest: pulumi.Output<M>;
  readonly refs: ProviderRefs;
}

export type EventStoreOutputs = SectionOutputs<EventStoreManifest>;
export type EventBusOutputs = SectionOutputs<EventBusManifest>;
export interface SchemaRegistryOutputs extends SectionOutputs<SchemaRegistryManifest> {
  /** `subject@version` of every schema registered, in registration order. */
  readonly registered: readonly string[];
}
export type SearchIndexOutputs = SectionOutputs<SearchIndexManifest>;
export type NotificationsOutputs = SectionOutputs<NotifierManifest>;

export interface RuntimeOutputs {
  /** Public HTTPS base URL of the command/query API. */
  readonly apiUrl: pulumi.Output<string>;
  /** Public WebSocket URL for notifications, when the cloud serves one. */
  readonly websocketUrl?: pulumi.Output<string>;
  readonly refs: ProviderRefs;
}

export interface ObservabilityOutputs {
  /** Link to the dashboard in the cloud console. */
  readonly dashboardUrl: pulumi.Output<string>;
  /** The cloud-native telemetry target (e.g. "cloudwatch", "cloud-monitoring", "application-insights"). */
  readonly nativeTarget: string;
  /** Names of the alarms/alert policies created (for `nexus plan` and the policy pack). */
  readonly alarms: readonly string[];
  readonly refs: ProviderRefs;
}


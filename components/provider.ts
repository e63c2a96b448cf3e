/**
 * The provider contract (after nitric's deploy provider): one method per Nexus component. A
 * component builds nothing itself; it calls its provider method, which creates the cloud
 * resources as children of `parent` (names derived from `name`) and returns the outputs the
 * manifest and the sibling components need. Providers live in `providers/<cloud>/index.ts`,
 * export `createProvider(): NexusProvider`, and are loaded only via ./providerRegistry.ts.
 *
 * Rules for implementers: every child gets `{ parent }`; names are `${name}-<suffix>`; no
 * pulumi.Config, no process.env, no file reads (schemas arrive as data, the bundle as a path);
 * raise `new pulumi.ResourceError(msg, parent)` for invalid args.
 */
import type * as pulumi from '@pulumi/pulumi';
import type {
  EventStoreArgs, EventBusArgs, SchemaRegistryArgs, SearchIndexArgs, NotificationsArgs, RuntimeArgs, ObservabilityArgs,
} from './args';
import type { Cloud } from './config';
import type {
  EventStoreOutputs, EventBusOutputs, SchemaRegistryOutputs, SearchIndexOutputs, NotificationsOutputs, RuntimeOutputs, ObservabilityOutputs,
} from './outputs';

export interface NexusProvider {
  readonly cloud: Cloud;
  eventStore(name: string, args: EventStoreArgs, parent: pulumi.ComponentResource): EventStoreOutputs;
  eventBus(name: string, args: EventBusArgs, parent: pulumi.ComponentResource): EventBusOutputs;
  schemaRegistry(name: string, args: SchemaRegistryArgs, parent: pulumi.ComponentResource): SchemaRegistryOutputs;
  searchIndex(name: string, args: SearchIndexArgs, parent: pulumi.ComponentResource): SearchIndexOutputs;
  notifications(name: string, args: NotificationsArgs, parent: pulumi.ComponentResource): NotificationsOutputs;
  runtime(name: string, args: RuntimeArgs, parent: pulumi.ComponentResource): RuntimeOutputs;
  observability(name: string, args: ObservabilityArgs, parent: pulumi.ComponentResource): ObservabilityOutputs;
}

/** What `providers/<cloud>/index.ts` exports. A fresh provider per platform keeps any state per platform. */
export interface ProviderModule {
  createProvider(): NexusProvider;
}

export type {
  EventStoreArgs, EventBusArgs, SchemaRegistryArgs, SearchIndexArgs, NotificationsArgs, RuntimeArgs, ObservabilityArgs,
} from './args';
export type { Placement, SchemaDefinition, Compatibility } from './args';
export type {
  ProviderRefs, EventStoreOutputs, EventBusOutputs, SchemaRegistryOutputs, SearchIndexOutputs, NotificationsOutputs, RuntimeOutputs,
  ObservabilityOutputs,
} from './outputs';

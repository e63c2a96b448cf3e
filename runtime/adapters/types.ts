/**
 * What each cloud's adapter module exports: one factory per manifest `kind` it implements.
 * `runtime/adapters/<cloud>/index.ts` exports `factories: AdapterFactories`; createRuntime
 * imports that module lazily, only when the manifest names one of its kinds.
 */
import type {
  Clock, Ids, EventStore, SnapshotStore, CheckpointStore, IdempotencyStore, EventBus, SchemaRegistry, SearchIndex, Notifier,
} from '../ports';
import type {
  EventStoreManifest, EventBusManifest, SchemaRegistryManifest, SearchIndexManifest, NotifierManifest,
} from '../manifest';

export interface AdapterContext {
  readonly clock: Clock;
  readonly ids: Ids;
  /** Secrets by name (passwords, keys) — resolved by the entry point, never read by adapters from process.env. */
  readonly secrets: Readonly<Record<string, string | undefined>>;
}

type Factory<M, P> = (config: M, ctx: AdapterContext) => Promise<P>;
type ByKind<U extends { kind: string }, P> = { readonly [K in U['kind']]?: Factory<Extract<U, { kind: K }>, P> };

export interface AdapterFactories {
  /** Event store, snapshot, checkpoint and idempotency stores share the eventStore manifest entry. */
  readonly eventStore?: ByKind<EventStoreManifest, EventStore>;
  readonly snapshotStore?: ByKind<EventStoreManifest, SnapshotStore>;
  readonly checkpointStore?: ByKind<EventStoreManifest, CheckpointStore>;
  readonly idempotencyStore?: ByKind<EventStoreManifest, IdempotencyStore>;
  readonly bus?: ByKind<EventBusManifest, EventBus>;
  readonly registry?: ByKind<SchemaRegistryManifest, SchemaRegistry>;
  readonly search?: ByKind<SearchIndexManifest, SearchIndex>;
  readonly notifier?: ByKind<NotifierManifest, Notifier>;
}

/**
 * The composition root: reads a manifest, resolves each section's `kind` to an adapter
 * module, loads only those modules, and builds the ports the core runs on.
 */
import { randomIds, systemClock } from './ports';
import type {
  Clock, Ids, EventStore, SnapshotStore, CheckpointStore, IdempotencyStore, EventBus, SchemaRegistry, SearchIndex, Notifier,
} from './ports';
import { InvalidArgumentError } from './ports/errors';
import type { NexusManifest } from './manifest';
import { KIND_MODULES, loadAdapterModule, type AdapterModuleName } from './adapters/registry';
import type { AdapterContext, AdapterFactories } from './adapters/types';

export interface RuntimeAdapters {
  readonly manifest: NexusManifest;
  readonly clock: Clock;
  readonly ids: Ids;
  readonly eventStore: EventStore;
  readonly snapshots: SnapshotStore;
  readonly checkpoints: CheckpointStore;
  readonly idempotency: IdempotencyStore;
  readonly bus: EventBus;
  readonly registry: SchemaRegistry;
  readonly search: SearchIndex;
  readonly notifier: Notifier;
  close(): Promise<void>;
}

export interface Resolution {
  readonly section: keyof typeof KIND_MODULES;
  readonly kind: string;
  readonly module: AdapterModuleName;
}

/** Pure step: which module serves each manifest section. Throws naming an unknown kind. */
export function resolveAdapters(manifest: NexusManifest): Resolution[] {
  const sections = {
    eventStore: manifest.eventStore.kind,
    bus: manifest.bus.kind,
    registry: manifest.registry.kind,
    search: manifest.search.kind,
    notifications: manifest.notifications.kind,
  } as const;
  return (Object.keys(sections) as Array<keyof typeof sections>).map((section) => {
    const kind = sections[section];
    const table = KIND_MODULES[section] as Record<string, AdapterModuleName>;
    const module = table[kind];
    if (!module) {
      throw new InvalidArgumentError(`manifest.${section}.kind`, `"${kind}" is not known; expected one of ${Object.keys(table).join(', ')}`);
    }
    return { section, kind, module };
  });
}

export interface CreateRuntimeOptions {
  readonly clock?: Clock;
  readonly ids?: Ids;
  readonly secrets?: Readonly<Record<string, string | undefined>>;
}

export async function createRuntime(manifest: NexusManifest, options: CreateRuntimeOptions = {}): Promise<RuntimeAdapters> {
  const resolution = resolveAdapters(manifest);
  const modules = new Map<AdapterModuleName, AdapterFactories>();
  for (const r of resolution) {
    if (!modules.has(r.module)) modules.set(r.module, await loadAdapterModule(r.module));
  }
  const ctx: AdapterContext = { clock: options.clock ?? systemClock, ids: options.ids ?? randomIds, secrets: options.secrets ?? {} };
  const moduleOf = (section: Resolution['section']): AdapterFactories => {
    const r = resolution.find((x) => x.section === section);
    return modules.get(r!.module)!;
  };
  function pick<T>(port: keyof AdapterFactories, section: Resolution['section'], config: { kind: string }): Promise<T> {
    const byKind = moduleOf(section)[port] as Record<string, ((c: unknown, x: AdapterContext) => Promise<T>) | undefined> | undefined;
    const factory = byKind?.[config.kind];
    if (!factory) throw new InvalidArgumentError(`manifest.${section}.kind`, `no ${port} adapter for kind "${config.kind}"`);
    return factory(config, ctx);
  }
  const opened: Array<{ close(): Promise<void> }> = [];
  const track = async <T extends { close(): Promise<void> }>(p: Promise<T>): Promise<T> => {
    const v = await p;
    opened.push(v);
    return v;
  };
  try {
    const eventStore = await track(pick<EventStore>('eventStore', 'eventStore', manifest.eventStore));
    const snapshots = await track(pick<SnapshotStore>('snapshotStore', 'eventStore', manifest.eventStore));
    const checkpoints = await track(pick<CheckpointStore>('checkpointStore', 'eventStore', manifest.eventStore));
    const idempotency = await track(pick<IdempotencyStore>('idempotencyStore', 'eventStore', manifest.eventStore));
    const bus = await track(pick<EventBus>('bus', 'bus', manifest.bus));
    const registry = await track(pick<SchemaRegistry>('registry', 'registry', manifest.registry));
    const search = await track(pick<SearchIndex>('search', 'search', manifest.search));
    const notifier = await track(pick<Notifier>('notifier', 'notifications', manifest.notifications));
    return {
      manifest, clock: ctx.clock, ids: ctx.ids, eventStore, snapshots, checkpoints, idempotency, bus, registry, search, notifier,
      async close() {
        for (const o of opened.reverse()) await o.close();
      },
    };
  } catch (err) {
    for (const o of opened.reverse()) await o.close().catch(() => undefined);
    throw err;
  }
}

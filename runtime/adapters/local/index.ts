/** Adapter factories of the local module, keyed by manifest kind (see ../types.ts). */
import type { AdapterFactories } from '../types';
import { InMemoryEventStore } from './InMemoryEventStore';
import { InMemorySnapshotStore } from './InMemorySnapshotStore';
import { InMemoryCheckpointStore } from './InMemoryCheckpointStore';
import { InMemoryIdempotencyStore } from './InMemoryIdempotencyStore';
import { SqliteEventStore } from './SqliteEventStore';
import { SqliteSnapshotStore } from './SqliteSnapshotStore';
import { SqliteCheckpointStore } from './SqliteCheckpointStore';
import { SqliteIdempotencyStore } from './SqliteIdempotencyStore';
import { InMemoryEventBus } from './InMemoryEventBus';
import { SqliteEventBus } from './SqliteEventBus';
import { InMemorySearchIndex } from './InMemorySearchIndex';
import { SqliteSearchIndex } from './SqliteSearchIndex';
import { InMemoryNotifier } from './InMemoryNotifier';
import { WebSocketNotifier } from './WebSocketNotifier';
import { LocalSchemaRegistry } from './LocalSchemaRegistry';

export const factories: AdapterFactories = {
  eventStore: {
    memory: async (_config, ctx) => new InMemoryEventStore({ clock: ctx.clock }),
    sqlite: async (config, ctx) => new SqliteEventStore({ path: config.path, clock: ctx.clock }),
  },
  snapshotStore: {
    memory: async () => new InMemorySnapshotStore(),
    sqlite: async (config) => new SqliteSnapshotStore({ path: config.path }),
  },
  checkpointStore: {
    memory: async () => new InMemoryCheckpointStore(),
    sqlite: async (config) => new SqliteCheckpointStore({ path: config.path }),
  },
  idempotencyStore: {
    memory: async (_config, ctx) => new InMemoryIdempotencyStore({ clock: ctx.clock }),
    sqlite: async (config, ctx) => new SqliteIdempotencyStore({ path: config.path, clock: ctx.clock }),
  },
  registry: { local: async (config) => LocalSchemaRegistry.open({ path: config.path, schemasDir: config.schemasDir }) },
  bus: { memory: async () => new InMemoryEventBus(), sqlite: async (config) => new SqliteEventBus(config.path) },
  search: { memory: async () => new InMemorySearchIndex(), 'sqlite-fts': async (config) => new SqliteSearchIndex(config.path) },
  notifier: { memory: async () => new InMemoryNotifier(), 'websocket-local': async () => new WebSocketNotifier() },
};

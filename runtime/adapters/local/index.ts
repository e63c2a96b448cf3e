/** Adapter factories of the local module, keyed by manifest kind (see ../types.ts). */
import type { AdapterFactories } from '../types';
import { InMemoryEventStore } from './InMemoryEventStore';
import { InMemorySnapshotStore } from './InMemorySnapshotStore';
import { InMemoryCheckpointStore } from './InMemoryCheckpointStore';
import { InMemoryIdempotencyStore } from './InMemoryIdempotencyStore';

export const factories: AdapterFactories = {
  eventStore: {
    memory: async (_config, ctx) => new InMemoryEventStore({ clock: ctx.clock }),
  },
  snapshotStore: {
    memory: async () => new InMemorySnapshotStore(),
  },
  checkpointStore: {
    memory: async () => new InMemoryCheckpointStore(),
  },
  idempotencyStore: {
    memory: async (_config, ctx) => new InMemoryIdempotencyStore({ clock: ctx.clock }),
  },
};

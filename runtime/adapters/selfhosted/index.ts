/**
 * Adapter factories of the selfhosted module (PostgreSQL + NATS JetStream + the Nexus registry's
 * Confluent-compatible API), keyed by manifest kind (see ../types.ts). The stores of one
 * eventStore section share one pg Pool per process; the password comes from
 * ctx.secrets[passwordSecret], never from the environment. SDKs load only when a factory runs.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
import type { AdapterContext, AdapterFactories } from '../types';
import type { PostgresConnection, PostgresSection } from './postgres/connection';

const pools = new Map<string, { connection: PostgresConnection; users: number }>();

/** A shared connection per (server, database, schema, user); the pool closes with its last store. */
function shared(section: PostgresSection, ctx: AdapterContext): { connection: PostgresConnection; release: () => Promise<void> } {
  const key = `${section.host}:${section.port}/${section.database}/${section.schema}/${section.user}`;
  let entry = pools.get(key);
  if (!entry) {
    const { openPostgres } = require('./postgres/connection') as typeof import('./postgres/connection');
    entry = { connection: openPostgres(section, ctx.secrets), users: 0 };
    pools.set(key, entry);
  }
  entry.users += 1;
  const e = entry;
  let released = false;
  return {
    connection: e.connection,
    release: async () => {
      if (released) return;
      released = true;
      e.users -= 1;
      if (e.users === 0) {
        pools.delete(key);
        await e.connection.pool.end();
      }
    },
  };
}

/** Wraps a store so that its close() releases the shared pool. */
function withRelease<T extends { close(): Promise<void> }>(store: T, release: () => Promise<void>): T {
  const close = store.close.bind(store);
  store.close = async () => {
    await close();
    await release();
  };
  return store;
}

export const factories: AdapterFactories = {
  eventStore: {
    postgres: async (config, ctx) => {
      const { PostgresEventStore } = require('./PostgresEventStore') as typeof import('./PostgresEventStore');
      const { connection, release } = shared(config, ctx);
      return withRelease(new PostgresEventStore({ connection, clock: ctx.clock, ownsPool: false }), release);
    },
  },
  snapshotStore: {
    postgres: async (config, ctx) => {
      const { PostgresSnapshotStore } = require('./PostgresSnapshotStore') as typeof import('./PostgresSnapshotStore');
      const { connection, release } = shared(config, ctx);
      return withRelease(new PostgresSnapshotStore({ connection, ownsPool: false }), release);
    },
  },
  checkpointStore: {
    postgres: async (config, ctx) => {
      const { PostgresCheckpointStore } = require('./PostgresCheckpointStore') as typeof import('./PostgresCheckpointStore');
      const { connection, release } = shared(config, ctx);
      return withRelease(new PostgresCheckpointStore({ connection, ownsPool: false }), release);
    },
  },
  idempotencyStore: {
    postgres: async (config, ctx) => {
      const { PostgresIdempotencyStore } = require('./PostgresIdempotencyStore') as typeof import('./PostgresIdempotencyStore');
      const { connection, release } = shared(config, ctx);
      return withRelease(new PostgresIdempotencyStore({ connection, clock: ctx.clock, ownsPool: false }), release);
    },
  },
  search: {
    postgres: async (config, ctx) => {
      const { PostgresSearchIndex } = require('./PostgresSearchIndex') as typeof import('./PostgresSearchIndex');
      const { connection, release } = shared(config, ctx);
      return withRelease(new PostgresSearchIndex({ connection, ownsPool: false }), release);
    },
  },
  bus: {
    jetstream: async (config) => {
      const { JetStreamEventBus } = require('./JetStreamEventBus') as typeof import('./JetStreamEventBus');
      return JetStreamEventBus.open({ servers: config.servers, streamPrefix: config.streamPrefix });
    },
  },
  registry: {
    // The runtime's registry API needs a bearer token (writes: admin scope): secret NEXUS_REGISTRY_TOKEN.
    confluent: async (config, ctx) => {
      const { ConfluentSchemaRegistry } = require('./ConfluentSchemaRegistry') as typeof import('./ConfluentSchemaRegistry');
      const token = ctx.secrets['NEXUS_REGISTRY_TOKEN'];
      return new ConfluentSchemaRegistry({ url: config.url, ...(token ? { token } : {}) });
    },
  },
};

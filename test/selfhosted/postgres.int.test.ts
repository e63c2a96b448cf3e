/**
 * The shared EventStore / SnapshotStore / CheckpointStore / IdempotencyStore conformance suites
 * against the machine's PostgreSQL 15 (a database created and dropped by this suite), plus the
 * PostgreSQL-specific checks: migrations are idempotent and errors are translated.
 */
import assert from 'node:assert/strict';
import { PostgresEventStore } from '../../runtime/adapters/selfhosted/PostgresEventStore';
import { PostgresSnapshotStore } from '../../runtime/adapters/selfhosted/PostgresSnapshotStore';
import { PostgresCheckpointStore } from '../../runtime/adapters/selfhosted/PostgresCheckpointStore';
import { PostgresIdempotencyStore } from '../../runtime/adapters/selfhosted/PostgresIdempotencyStore';
import { openPostgres } from '../../runtime/adapters/selfhosted/postgres/connection';
import { isUnavailableError } from '../../runtime/ports';
import { eventStoreContract } from '../contracts/eventStoreContract';
import { snapshotStoreContract } from '../contracts/snapshotStoreContract';
import { checkpointStoreContract } from '../contracts/checkpointStoreContract';
import { idempotencyStoreContract } from '../contracts/idempotencyStoreContract';
import { ev } from '../contracts/eventStore/support';
import { usePostgres } from './pgFixture';

describe('PostgreSQL adapters on PostgreSQL 15', function () {
  this.timeout(60_000);
  const pg = usePostgres('PostgreSQL store conformance suites (test/selfhosted/postgres.int.test.ts)');
  let shared: string | undefined;
  const sharedSchema = (): string => (shared ??= `events_${Date.now().toString(36)}`);

  // One schema for every event store case (the suite only looks at its own streams in readAll).
  eventStoreContract('PostgresEventStore', async () => {
    const store = new PostgresEventStore({ connection: pg.connect(sharedSchema()) });
    return { store, cleanup: () => store.close() };
  });

  snapshotStoreContract('PostgresSnapshotStore', async () => {
    const store = new PostgresSnapshotStore({ connection: pg.connect() });
    return { store, cleanup: () => store.close() };
  });

  checkpointStoreContract('PostgresCheckpointStore', async () => {
    const store = new PostgresCheckpointStore({ connection: pg.connect() });
    return { store, cleanup: () => store.close() };
  });

  idempotencyStoreContract('PostgresIdempotencyStore', async () => {
    const store = new PostgresIdempotencyStore({ connection: pg.connect() });
    return { store, cleanup: () => store.close() };
  });

  describe('PostgreSQL specifics', () => {
    it('applies migrations once: two stores on one schema start and share the data', async () => {
      const schema = `twice_${Date.now().toString(36)}`;
      const a = new PostgresEventStore({ connection: pg.connect(schema) });
      const b = new PostgresEventStore({ connection: pg.connect(schema) });
      try {
        await Promise.all([a.append('t1:Order-1', [ev()], 'no_stream'), b.streamInfo('t1:Order-2')]);
        assert.equal((await b.streamInfo('t1:Order-1')).version, 1);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });

    it('an unreachable server is an UnavailableError naming the service', async () => {
      const store = new PostgresEventStore({
        connection: openPostgres({ host: '127.0.0.1', port: 1, database: pg.database(), user: 'postgres', schema: 'nexus' }),
      });
      try {
        const err: unknown = await store.readAll().then(() => undefined, (e: unknown) => e);
        assert.ok(isUnavailableError(err), `expected UnavailableError, got ${String(err)}`);
        assert.match(err.message, /postgres 127\.0\.0\.1:1/);
      } finally {
        await store.close();
      }
    });
  });
});

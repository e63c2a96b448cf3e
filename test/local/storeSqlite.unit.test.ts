/**
 * The shared store conformance suites run against the SQLite adapters (embedded, so a unit
 * test): a fresh file per case, plus checks specific to the file (durability pragmas,
 * persistence across reopen, two connections on one file, busy errors surfaced as UnavailableError).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ManualClock, isConcurrencyError, isUnavailableError } from '../../runtime/ports';
import { SqliteCheckpointStore } from '../../runtime/adapters/local/SqliteCheckpointStore';
import { SqliteEventStore } from '../../runtime/adapters/local/SqliteEventStore';
import { SqliteIdempotencyStore } from '../../runtime/adapters/local/SqliteIdempotencyStore';
import { SqliteSnapshotStore } from '../../runtime/adapters/local/SqliteSnapshotStore';
import { checkpointStoreContract } from '../contracts/checkpointStoreContract';
import { eventStoreContract } from '../contracts/eventStoreContract';
import { idempotencyStoreContract } from '../contracts/idempotencyStoreContract';
import { snapshotStoreContract } from '../contracts/snapshotStoreContract';
import { ev, evs } from '../contracts/eventStore/support';

function tempFile(): { path: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'nexus-store-'));
  return { path: join(dir, 'events.db'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

function onTempFile<S extends { close(): Promise<void> }>(open: (path: string) => S) {
  return async () => {
    const file = tempFile();
    const store = open(file.path);
    return { store, cleanup: async () => { await store.close(); file.remove(); } };
  };
}

eventStoreContract('SqliteEventStore', onTempFile((path) => new SqliteEventStore({ path })));
snapshotStoreContract('SqliteSnapshotStore', onTempFile((path) => new SqliteSnapshotStore({ path })));
checkpointStoreContract('SqliteCheckpointStore', onTempFile((path) => new SqliteCheckpointStore({ path })));
idempotencyStoreContract('SqliteIdempotencyStore', onTempFile((path) => new SqliteIdempotencyStore({ path })));

describe('SQLite stores: file behaviour', () => {
  let file: ReturnType<typeof tempFile>;
  beforeEach(() => (file = tempFile()));
  afterEach(() => file.remove());

  it('opens the file in WAL mode with synchronous=FULL by default, NORMAL when asked', async () => {
    const store = new SqliteEventStore({ path: file.path });
    await store.append('t1:Order-1', [ev()]);
    const probe = new Database(file.path, { readonly: true });
    assert.equal(probe.pragma('journal_mode', { simple: true }), 'wal');
    probe.close();
    const internal = (store as unknown as { db: Database.Database }).db;
    assert.equal(internal.pragma('synchronous', { simple: true }), 2, 'FULL');
    await store.close();
    const normal = new SqliteEventStore({ path: file.path, synchronous: 'NORMAL' });
    assert.equal((normal as unknown as { db: Database.Database }).db.pragma('synchronous', { simple: true }), 1, 'NORMAL');
    await normal.close();
  });

  it('keeps events, snapshots and checkpoints across close and reopen of the same file', async () => {
    const a = new SqliteEventStore({ path: file.path });
    const appended = await a.append('t1:Order-1', evs(3), 'no_stream');
    const snaps = new SqliteSnapshotStore({ path: file.path });
    await snaps.save({ streamId: 't1:Order-1', aggregateType: 'Order', version: 3, stateVersion: 1, state: { n: 3 }, takenAt: new Date().toISOString() });
    const cps = new SqliteCheckpointStore({ path: file.path });
    await cps.set('projection:orders', appended.position);
    await Promise.all([a.close(), snaps.close(), cps.close()]);

    const b = new SqliteEventStore({ path: file.path });
    assert.deepEqual(await b.readStream('t1:Order-1'), appended.events);
    assert.equal((await b.append('t1:Order-1', [ev()], 3)).nextVersion, 4);
    const snaps2 = new SqliteSnapshotStore({ path: file.path });
    assert.equal((await snaps2.load('t1:Order-1'))?.version, 3);
    const cps2 = new SqliteCheckpointStore({ path: file.path });
    assert.equal(await cps2.get('projection:orders'), appended.position);
    await Promise.all([b.close(), snaps2.close(), cps2.close()]);
  });

  it('two connections on one file see each other and conflict with ConcurrencyError', async () => {
    const a = new SqliteEventStore({ path: file.path });
    const b = new SqliteEventStore({ path: file.path });
    await a.append('t1:Order-1', [ev()], 'no_stream');
    assert.equal((await b.streamInfo('t1:Order-1')).version, 1);
    const err = await b.append('t1:Order-1', [ev()], 'no_stream').catch((e: unknown) => e);
    assert.ok(isConcurrencyError(err) && err.actual === 1, `got ${String(err)}`);
    assert.equal((await b.append('t1:Order-1', [ev()], 1)).nextVersion, 2);
    const page = await a.readAll();
    assert.deepEqual(page.events.map((e) => e.version), [1, 2]);
    await Promise.all([a.close(), b.close()]);
  });

  it('surfaces a write lock held by another connection as UnavailableError, and stores nothing', async () => {
    const store = new SqliteEventStore({ path: file.path, busyTimeoutMs: 50, busy: { retries: 2, backoffMs: 5 } });
    await store.append('t1:Order-1', [ev()], 'no_stream');
    const blocker = new Database(file.path);
    blocker.exec('BEGIN IMMEDIATE');
    try {
      const err = await store.append('t1:Order-1', [ev()], 1).catch((e: unknown) => e);
      assert.ok(isUnavailableError(err), `expected UnavailableError, got ${String(err)}`);
      assert.equal(err.retryable, true);
      assert.match(err.message, /SQLITE_BUSY/);
      assert.ok(err.message.includes(file.path), 'the error names the file');
    } finally {
      blocker.exec('ROLLBACK');
      blocker.close();
    }
    assert.equal((await store.streamInfo('t1:Order-1')).version, 1);
    assert.equal((await store.append('t1:Order-1', [ev()], 1)).nextVersion, 2, 'appendable once the lock is gone');
    await store.close();
  });
});

describe('SQLite stores: upkeep', () => {
  let file: ReturnType<typeof tempFile>;
  beforeEach(() => (file = tempFile()));
  afterEach(() => file.remove());

  it('purges expired idempotency records in bulk instead of keeping them forever', async () => {
    const clock = new ManualClock();
    const store = new SqliteIdempotencyStore({ path: file.path, clock });
    for (let i = 0; i < 200; i++) await store.putIfAbsent(`old-${i}`, i, 60);
    clock.advance(61_000);
    for (let i = 0; i < 100; i++) await store.putIfAbsent(`new-${i}`, i, 60);
    const probe = new Database(file.path, { readonly: true });
    const left = probe.prepare('SELECT count(*) AS n FROM idempotency').get() as { n: number };
    probe.close();
    assert.equal(left.n, 100, 'the 200 expired records were purged once 256 records had been stored');
    assert.equal((await store.get('new-5'))?.value, 5);
    assert.equal(await store.get('old-5'), undefined);
    await store.close();
  });
});

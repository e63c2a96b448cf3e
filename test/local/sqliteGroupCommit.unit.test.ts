/**
 * The local SQLite stores' shared connection (runtime/adapters/local/sqlite/sharedFile.ts): writes
 * requested in one event-loop turn share one transaction, each keeping its own check and error;
 * with synchronous=FULL the WAL fsync runs after the commit, off the event loop once writers
 * meet, and yet no write is acknowledged — and no event read — before an fsync covering it ended.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { isCheckpointConflictError, isConcurrencyError, isUnavailableError, type NewEvent } from '../../runtime/ports';
import { SqliteCheckpointStore } from '../../runtime/adapters/local/SqliteCheckpointStore';
import { SqliteEventStore } from '../../runtime/adapters/local/SqliteEventStore';
import { SqliteIdempotencyStore } from '../../runtime/adapters/local/SqliteIdempotencyStore';
import type { SqliteFile } from '../../runtime/adapters/local/sqlite/sharedFile';
import { ReplayClock } from '../../runtime/core/migration/replayClock';
import { ev } from '../contracts/eventStore/support';

const fileOf = (store: object): SqliteFile => (store as { file: SqliteFile }).file;
const dbOf = (store: object): Database.Database => (store as { db: Database.Database }).db;
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Records, for each fsync of ours, how many commits the file had made when it started. */
function watchSyncs(file: SqliteFile) {
  let startedAt = -1;
  const log = { durableCommits: -1, completed: 0 };
  file.onSync({
    before: () => (startedAt = file.stats.commits),
    after: () => {
      log.durableCommits = startedAt;
      log.completed++;
    },
  });
  return log;
}

describe('SQLite stores: shared connection and group commit', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nexus-group-'));
    path = join(dir, 'events.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('the stores of one file share one connection; sharedConnection: false gives a store its own', async () => {
    const events = new SqliteEventStore({ path });
    const checkpoints = new SqliteCheckpointStore({ path });
    const own = new SqliteEventStore({ path, sharedConnection: false });
    assert.equal(dbOf(events), dbOf(checkpoints));
    assert.notEqual(dbOf(events), dbOf(own));
    await checkpoints.close();
    await events.append('t1:Order-1', [ev()], 'no_stream');
    assert.equal((await own.streamInfo('t1:Order-1')).version, 1, 'the other connection sees the durable append');
    await checkpoints.set('x', '1').then(() => assert.fail('a closed store must refuse'), (err: Error) => assert.match(err.message, /closed/));
    await Promise.all([events.close(), own.close()]);
    assert.equal(dbOf(events).open, false, 'the last store closes the connection');
  });

  it('a store alone on its file writes at once, each write its own transaction', async () => {
    const events = new SqliteEventStore({ path });
    const file = fileOf(events);
    const pending = events.append('t1:Order-1', [ev()], 'no_stream');
    assert.equal(file.stats.commits, 1, 'committed before append() returned');
    await pending;
    const both = await Promise.allSettled([events.append('t1:Order-1', [ev()], 1), events.append('t1:Order-1', [ev()], 1)]);
    assert.equal(file.stats.commits, 3, 'one transaction per write, none shared');
    assert.ok(both[1].status === 'rejected' && isConcurrencyError(both[1].reason));
    assert.equal((await events.streamInfo('t1:Order-1')).version, 2);
    await events.close();
  });

  it('shared: writes of one turn commit in one transaction, each with its own check, result and error', async () => {
    const events = new SqliteEventStore({ path });
    const checkpoints = new SqliteCheckpointStore({ path });
    const idempotency = new SqliteIdempotencyStore({ path });
    await events.append('t1:Order-1', [ev()], 'no_stream');
    await checkpoints.set('relay', '1');
    const file = fileOf(events);
    const commitsBefore = file.stats.commits;
    const a: NewEvent = ev();
    const results = await Promise.allSettled([
      events.append('t1:Order-1', [a], 1),
      events.append('t1:Order-1', [ev()], 1), // sees the first one: a conflict, alone
      checkpoints.set('relay', '2', { current: 'stale' }), // CAS failure, alone
      events.append('t1:Order-2', [ev(), ev()], 'no_stream'),
      idempotency.putIfAbsent('command:t1:c-1', { ok: true }, 60),
      checkpoints.set('relay', '3', { current: '1' }),
    ]);
    assert.equal(file.stats.commits - commitsBefore, 1, 'one transaction for the whole turn');
    assert.equal(results[0].status, 'fulfilled');
    assert.ok(results[1].status === 'rejected' && isConcurrencyError(results[1].reason) && results[1].reason.actual === 2, 'the second append saw the first');
    assert.ok(results[2].status === 'rejected' && isCheckpointConflictError(results[2].reason));
    assert.equal(results[3].status, 'fulfilled');
    assert.equal(results[4].status, 'fulfilled');
    assert.equal(results[5].status, 'fulfilled');
    assert.equal(await checkpoints.get('relay'), '3');
    assert.equal((await idempotency.get('command:t1:c-1'))?.value !== undefined, true);
    const all = (await events.readAll()).events;
    assert.deepEqual(all.map((e) => [e.streamId, e.version]), [['t1:Order-1', 1], ['t1:Order-1', 2], ['t1:Order-2', 1], ['t1:Order-2', 2]], 'positions in request order');
    assert.equal(all[1]!.eventId, a.eventId);
    await Promise.all([events.close(), checkpoints.close(), idempotency.close()]);
  });

  it('shared: idempotency records are stamped by the clock of their own caller, not of the batch', async () => {
    const clock = new ReplayClock();
    const idempotency = new SqliteIdempotencyStore({ path, clock });
    const events = new SqliteEventStore({ path });
    const times = Array.from({ length: 8 }, (_, i) => new Date(Date.UTC(2024, 0, 1 + i)).toISOString());
    const records = await Promise.all(times.map((t, i) => clock.at(t, () => idempotency.putIfAbsent(`command:t1:c-${i}`, i, 3600))));
    assert.deepEqual(records.map((r) => r.record.storedAt), times);
    await Promise.all([idempotency.close(), events.close()]);
  });

  it('synchronous=FULL: SQLite syncs while one store uses the file; shared, it commits with NORMAL and fsyncs the WAL itself, until alone again', async () => {
    const events = new SqliteEventStore({ path });
    assert.equal(dbOf(events).pragma('synchronous', { simple: true }), 2, 'one store: FULL, run at once');
    assert.equal(fileOf(events).syncsOffThread, false);
    const checkpoints = new SqliteCheckpointStore({ path });
    assert.equal(dbOf(events).pragma('synchronous', { simple: true }), 1, 'shared: NORMAL on the connection...');
    assert.equal(fileOf(events).syncsOffThread, true, '...with an fsync of ours before each acknowledgement');
    await events.append('t1:Order-1', [ev()], 'no_stream');
    await checkpoints.close();
    assert.equal(dbOf(events).pragma('synchronous', { simple: true }), 2, 'alone again: FULL');
    assert.equal((await events.append('t1:Order-1', [ev()], 1)).nextVersion, 2);
    await events.close();
    const inSqlite = new SqliteEventStore({ path: join(dir, 'b.db'), fsyncOffThread: false });
    const inSqlite2 = new SqliteCheckpointStore({ path: join(dir, 'b.db'), fsyncOffThread: false });
    assert.equal(dbOf(inSqlite).pragma('synchronous', { simple: true }), 2, 'fsyncOffThread: false: FULL even shared');
    assert.equal(fileOf(inSqlite).syncsOffThread, false);
    const normal = new SqliteEventStore({ path: join(dir, 'c.db'), synchronous: 'NORMAL' });
    const normal2 = new SqliteCheckpointStore({ path: join(dir, 'c.db'), synchronous: 'NORMAL' });
    assert.equal(dbOf(normal).pragma('synchronous', { simple: true }), 1);
    assert.equal(fileOf(normal).syncsOffThread, false, 'NORMAL asked: no fsync per commit');
    await Promise.all([inSqlite.close(), inSqlite2.close(), normal.close(), normal2.close()]);
  });

  it('shared, acknowledges a lone write only after an fsync that started after its commit', async () => {
    const events = new SqliteEventStore({ path });
    const other = new SqliteCheckpointStore({ path });
    const file = fileOf(events);
    const syncs = watchSyncs(file);
    for (let i = 0; i < 5; i++) {
      await events.append('t1:Order-1', [ev()]);
      assert.ok(syncs.durableCommits >= file.stats.commits, `append ${i}: acknowledged before its commit was synced`);
    }
    assert.ok(syncs.completed >= 5);
    await Promise.all([events.close(), other.close()]);
  });

  it('when writers meet, the fsync runs off the loop and still comes before every acknowledgement and every read of the rows', async () => {
    const events = new SqliteEventStore({ path });
    const reader = new SqliteEventStore({ path });
    const file = fileOf(events);
    const syncs = watchSyncs(file);
    const batchCommit = file.stats.commits + 1;
    const acked: number[] = [];
    const appends = [0, 1, 2].map((i) => events.append(`t1:Order-${i}`, [ev()], 'no_stream').then(() => {
      assert.ok(syncs.durableCommits >= batchCommit, 'acknowledged before an fsync covering the commit');
      acked.push(i);
    }));
    await tick(); // the batch of three committed; its fsync runs on the thread pool
    assert.equal(file.stats.commits, batchCommit);
    assert.deepEqual(acked, [], 'not acknowledged at commit');
    const page = await reader.readAll();
    assert.equal(page.events.length, 3);
    assert.deepEqual([...acked].sort(), [0, 1, 2], 'the rows were returned only after the writes were durable and acknowledged');
    assert.ok(syncs.completed >= 1);
    await Promise.all(appends);
    await Promise.all([events.close(), reader.close()]);
  });

  it('a failed fsync fails the writes it covered with UnavailableError and refuses every later write', async () => {
    const events = new SqliteEventStore({ path });
    const other = new SqliteCheckpointStore({ path });
    const file = fileOf(events);
    await events.append('t1:Order-1', [ev()], 'no_stream');
    (file as unknown as { walFd: number }).walFd = 999_999; // no such descriptor: the next fsync fails with EBADF
    const err = await events.append('t1:Order-1', [ev()], 1).catch((e: unknown) => e);
    assert.ok(isUnavailableError(err), `expected UnavailableError, got ${String(err)}`);
    assert.match(err.message, /fsync of the WAL failed \(EBADF\)/);
    assert.ok(err.message.includes(path), 'the error names the file');
    const later = await events.append('t1:Order-2', [ev()], 'no_stream').catch((e: unknown) => e);
    assert.equal(later, err, 'nothing is accepted after a failed fsync');
    await Promise.all([events.close(), other.close()]);
  });
});

/**
 * PostgresEventStore's readAll order (ADR 0142) on the machine's PostgreSQL 15, in the cases the
 * shared suite cannot stage: an append that commits AFTER a later one (held open on a raw
 * connection) is neither skipped nor reported past; a foreign long transaction elsewhere does
 * not hold the tail back; a pre-0142 writer (global append lock) is waited for; a database
 * created by the pre-0142 schema is migrated on open and its old checkpoints resume exactly;
 * an import that loses the race for a version re-checks and names the conflict; and several
 * processes' worth of pools writing while a tail reader runs deliver every event once.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { PostgresEventStore } from '../../runtime/adapters/selfhosted/PostgresEventStore';
import { MARK_SQL } from '../../runtime/adapters/selfhosted/postgres/appendHorizon';
import { MIGRATIONS } from '../../runtime/adapters/selfhosted/postgres/schema';
import { isImportConflictError } from '../../runtime/ports/EventImport';
import type { EventStore, ReadAllPage, StoredEvent } from '../../runtime/ports';
import { assertOncePerStreamOrder, endCheckpoint, ev, evs, readAllOf, sleep } from '../contracts/eventStore/support';
import { PG_HOST, PG_PORT, PG_USER, usePostgres } from './pgFixture';

describe('PostgresEventStore readAll order (ADR 0142) on PostgreSQL 15', function () {
  this.timeout(60_000);
  const pg = usePostgres('PostgresEventStore readAll order (test/selfhosted/postgresReadAllOrder.int.test.ts)');
  const open: Array<{ close(): Promise<unknown> }> = [];
  const store = (schema: string): PostgresEventStore => {
    const s = new PostgresEventStore({ connection: pg.connect(schema) });
    open.push(s);
    return s;
  };
  const raw = async (): Promise<Client> => {
    const c = new Client({ host: PG_HOST, port: PG_PORT, user: PG_USER, database: pg.database() });
    await c.connect();
    open.push({ close: () => c.end() });
    return c;
  };
  const schemaName = (): string => `o_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
  afterEach(async () => {
    await Promise.all(open.splice(0).map((x) => x.close().catch(() => undefined)));
  });

  /** A raw INSERT of one event, as an append does it, inside the caller's open transaction. */
  async function insertRaw(c: Client, schema: string, streamId: string, version: number): Promise<string> {
    const eventId = randomUUID();
    await c.query(
      `INSERT INTO "${schema}".events (stream_id, version, event_id, type, schema_version, data, metadata, recorded_at)
       VALUES ($1, $2, $3, 'Held', 1, '{}', '{}', $4)`, [streamId, version, eventId, new Date().toISOString()]);
    return eventId;
  }

  const ids = (events: readonly StoredEvent[]): string[] => events.map((e) => e.eventId);

  /** Resolves once some session of this database waits for a lock (the import reached its INSERT). */
  async function someoneWaitsForALock(c: Client): Promise<void> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const { rows } = await c.query<{ n: string }>(
        "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
      if (Number(rows[0]!.n) > 0) return;
      assert.ok(Date.now() < deadline, 'the import never blocked on the uncommitted version');
      await sleep(5);
    }
  }

  it('does not pass an append that commits after a later one, and then delivers both in commit-safe order', async () => {
    const schema = schemaName();
    const s = store(schema);
    const since = await endCheckpoint(s);
    const early = await raw();
    await early.query(MARK_SQL, [`"${schema}"`]);
    await early.query('BEGIN');
    const heldId = await insertRaw(early, schema, 't1:Order-held', 1); // takes the smaller xid
    const later = await s.append('t1:Order-later', [ev()], 'no_stream');

    const t0 = Date.now();
    const page = await s.readAll({ after: since, limit: 10 });
    assert.deepEqual(page.events, [], 'the later append is held back while the earlier one is in flight');
    assert.equal(page.isEnd, false, 'committed events lie ahead: not the end');
    assert.equal(page.checkpoint, since, 'the checkpoint does not move past the in-flight append');
    assert.ok(Date.now() - t0 >= 200, 'the reader waited for the in-flight append before giving up');

    await early.query('COMMIT');
    const after = await readAllOf(s, new Set(['t1:Order-held', 't1:Order-later']), since, 1);
    assert.deepEqual(ids(after.events), [heldId, later.events[0]!.eventId], 'both, ordered by transaction id');
    const end = await s.readAll({ after: after.checkpoint });
    assert.equal(end.isEnd, true);
  });

  it('is not held back by a long write transaction that does not append (another table, same database)', async () => {
    const schema = schemaName();
    const s = store(schema);
    const since = await endCheckpoint(s);
    const foreign = await raw();
    await foreign.query('BEGIN');
    await foreign.query('CREATE TEMP TABLE busy (x int)'); // gets an xid, stays open
    await foreign.query('INSERT INTO busy VALUES (1)');
    const r = await s.append('t1:Order-free', evs(2), 'no_stream');
    const page = await s.readAll({ after: since, limit: 10 });
    assert.deepEqual(ids(page.events), ids(r.events), 'the append is readable while the foreign transaction is open');
    assert.equal(page.isEnd, true);
    await foreign.query('ROLLBACK');
  });

  it('waits for a writer still using the pre-0142 global append lock (rolling upgrade)', async () => {
    const schema = schemaName();
    const s = store(schema);
    const since = await endCheckpoint(s);
    const old = await raw();
    await old.query('BEGIN');
    await old.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`nexus-append:"${schema}"`]);
    const oldId = await insertRaw(old, schema, 't1:Order-old', 1);
    const fresh = await s.append('t1:Order-new', [ev()], 'no_stream');
    const held = await s.readAll({ after: since, limit: 10 });
    assert.deepEqual(held.events, []);
    assert.equal(held.isEnd, false);
    await old.query('COMMIT');
    const all = await readAllOf(s, new Set(['t1:Order-old', 't1:Order-new']), since, 10);
    assert.deepEqual(ids(all.events), [oldId, fresh.events[0]!.eventId]);
  });

  it('migrates a database created by the pre-0142 schema on open; old checkpoints resume without repeats or skips', async () => {
    const schema = schemaName();
    const c = await raw();
    // The schema exactly as migrations 1 and 2 left it, with events appended under ADR 0080.
    await c.query(`CREATE SCHEMA "${schema}"; CREATE TABLE "${schema}".schema_migrations (id int PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
    for (const m of MIGRATIONS.filter((x) => x.id <= 2)) {
      await c.query(m.sql(`"${schema}"`));
      await c.query(`INSERT INTO "${schema}".schema_migrations (id) VALUES ($1)`, [m.id]);
    }
    const oldIds: string[] = [];
    for (let v = 1; v <= 5; v++) oldIds.push(await insertRaw(c, schema, 't1:Order-legacy', v));
    const positions = (await c.query<{ position: string }>(`SELECT position FROM "${schema}".events ORDER BY position`)).rows.map((r) => r.position);
    const legacyCheckpoint = positions[2]!.padStart(16, '0'); // a relay that had read 3 of the 5

    const s = store(schema);
    const legacy = await s.readStream('t1:Order-legacy');
    assert.deepEqual(ids(legacy), oldIds, 'old events read back after the migration');
    assert.ok(legacy.every((e) => e.position.startsWith('0000000000000000:')), 'old rows keep their commit-ordered positions under xid 0');
    const next = await s.append('t1:Order-legacy', [ev()], 5);
    assert.equal(next.nextVersion, 6);

    const resumed = await readAllOf(s, new Set(['t1:Order-legacy']), legacyCheckpoint, 2);
    assert.deepEqual(ids(resumed.events), [oldIds[3], oldIds[4], next.events[0]!.eventId], 'the unread old events, then the new one');
    const fromStart = await readAllOf(s, new Set(['t1:Order-legacy']), undefined, 2);
    assert.deepEqual(ids(fromStart.events), [...oldIds, next.events[0]!.eventId]);
    const page: ReadAllPage = await s.readAll({ after: legacyCheckpoint, limit: 1 });
    assert.match(page.checkpoint!, /^\d{16}:\d{16}$/, 'a resumed reader moves on to the current checkpoint form');
    const applied = (await c.query<{ id: number }>(`SELECT id FROM "${schema}".schema_migrations ORDER BY id`)).rows.map((r) => r.id);
    assert.deepEqual(applied, MIGRATIONS.map((m) => m.id));
  });

  it('an import that loses the race for a version re-checks the page and reports the event that won', async () => {
    const schema = schemaName();
    const s = store(schema);
    await s.streamInfo('t1:warm-up'); // migrations applied
    const writer = await raw();
    await writer.query(MARK_SQL, [`"${schema}"`]);
    await writer.query('BEGIN');
    const winner = await insertRaw(writer, schema, 't1:Order-raced', 1);
    const source: StoredEvent = {
      streamId: 't1:Order-raced', version: 1, eventId: randomUUID(), type: 'Imported', schemaVersion: 1,
      data: {}, metadata: {}, position: '1', recordedAt: new Date().toISOString(),
    };
    const importing = s.importEvents('t1:Order-raced', [source]).then(() => undefined, (e: unknown) => e);
    await someoneWaitsForALock(writer); // the import saw an empty stream and waits on the uncommitted version 1
    await writer.query('COMMIT');
    const err = await importing;
    assert.ok(isImportConflictError(err), `expected ImportConflictError, got ${String(err)}`);
    assert.match(err.message, new RegExp(`target holds event ${winner}`));
    assert.deepEqual(ids(await s.readStream('t1:Order-raced')), [winner]);
  });

  it('an import still in flight holds back appends that committed after it started', async () => {
    const schema = schemaName();
    const s = store(schema);
    const since = await endCheckpoint(s);
    // A blocker that never commits: the import's insert of B v1 waits on it, mid-transaction.
    const blocker = await raw();
    await blocker.query('BEGIN');
    await insertRaw(blocker, schema, 't1:Order-B', 1);
    const imported = ['t1:Order-A', 't1:Order-B'].map((streamId): StoredEvent => ({
      streamId, version: 1, eventId: randomUUID(), type: 'Imported', schemaVersion: 1, data: {}, metadata: {}, position: '1', recordedAt: new Date().toISOString(),
    }));
    const importing = s.importStreams(imported.map((e) => ({ streamId: e.streamId, events: [e] })));
    await someoneWaitsForALock(blocker); // the import wrote A v1 (it has its xid) and waits for B v1
    const later = await s.append('t1:Order-C', [ev()], 'no_stream');
    const held = await s.readAll({ after: since, limit: 10 });
    assert.deepEqual(held.events, [], 'the append that committed after the import started waits for the import');
    assert.equal(held.isEnd, false);
    await blocker.query('ROLLBACK');
    assert.deepEqual(await importing, { imported: 2, skipped: 0 });
    const all = await readAllOf(s, new Set(['t1:Order-A', 't1:Order-B', 't1:Order-C']), since, 10);
    assert.deepEqual(ids(all.events), [...ids(imported), later.events[0]!.eventId]);
  });

  it('a tail reader beside writers on four separate pools sees every event once, in per-stream order', async function () {
    this.timeout(120_000);
    const schema = schemaName();
    const stores: EventStore[] = Array.from({ length: 4 }, () => store(schema));
    const reader = store(schema);
    const since = await endCheckpoint(reader);
    const streams = Array.from({ length: 6 }, (_, i) => `t1:Order-tail-${i}`);
    const expected = new Set<string>();
    let writing = true;
    const writers = Array.from({ length: 12 }, async (_, w) => {
      const s = stores[w % stores.length]!;
      for (let i = 0; i < 40; i++) {
        const batch = evs(1 + (i % 3));
        batch.forEach((e) => expected.add(e.eventId));
        await s.append(streams[w % streams.length]!, batch, 'any');
      }
    });
    const seen: StoredEvent[] = [];
    const tail = (async () => {
      let after = since;
      for (;;) {
        const page = await reader.readAll({ after, limit: 7 });
        seen.push(...page.events);
        after = page.checkpoint;
        if (!writing && page.isEnd) return;
        if (page.isEnd) await sleep(1);
      }
    })();
    await Promise.all(writers);
    writing = false;
    await tail;
    assertOncePerStreamOrder(seen);
    assert.deepEqual(new Set(ids(seen)), expected);
    assert.equal(seen.length, expected.size);
  });
});

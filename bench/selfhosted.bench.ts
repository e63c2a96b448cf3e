/**
 * Self-hosted benchmarks on the machine's PostgreSQL 15 (a scratch database per run, dropped after):
 * 1. Migration throughput SQLite → PostgreSQL (copyEvents: readAll pages from SQLite, native
 *    importer, a checkpoint per page) vs a raw batched insert of the same rows (one multi-row
 *    INSERT per 500 rows in a transaction, no reads, no checkpoint) — ratio.
 * 2. PostgresEventStore append throughput (single-event appends, 1 and 8 writers) vs raw `pg`
 *    single-row INSERTs on a pooled connection with the same durability (synchronous_commit on,
 *    one commit per event), into the same table (same indexes, incl. (xid, position)). The product
 *    appends in one statement that also reads the stream head, checks the version and stamps a
 *    monotonic recordedAt; there is no global lock since ADR 0142, so concurrent writers' commits
 *    share WAL flushes like the raw ones do.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { SqliteEventStore } from '../runtime/adapters/local/SqliteEventStore';
import { PostgresEventStore } from '../runtime/adapters/selfhosted/PostgresEventStore';
import { PostgresCheckpointStore } from '../runtime/adapters/selfhosted/PostgresCheckpointStore';
import { openPostgres, migrate } from '../runtime/adapters/selfhosted/postgres/connection';
import { copyEvents } from '../runtime/core/migration';
import type { NewEvent, StoredEvent } from '../runtime/ports';
import type { Benchmark, BenchResult } from './lib';

const EVENTS = 20_000;
const APPENDS = 3_200;
/** Alternating product/raw slices per append benchmark (APPENDS / writers / ROUNDS must be whole). */
const ROUNDS = 8;

const event = (i: number): NewEvent => ({
  eventId: randomUUID(), type: 'ItemAdded', schemaVersion: 1,
  data: { orderId: `order-${i % 500}`, sku: `SKU-${(i * 7919) % 100000}`, quantity: (i % 5) + 1, unitPrice: 1999, currency: 'EUR' },
  metadata: { correlationId: 'c0ffee00-0000-4000-8000-000000000000', tenant: 't1' },
});

async function admin(sql: string): Promise<void> {
  const c = new Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

const section = (database: string, schema: string) => ({ host: '127.0.0.1', port: 5432, database, user: 'postgres', schema });

async function rawBatchedInsert(database: string, events: readonly StoredEvent[]): Promise<number> {
  const conn = openPostgres(section(database, 'raw_copy'));
  await migrate(conn.pool, conn.schema, conn.service);
  const t0 = Date.now();
  for (let i = 0; i < events.length; i += 500) {
    const page = events.slice(i, i + 500);
    await conn.pool.query(
      `INSERT INTO ${conn.schema}.events (stream_id, version, event_id, type, schema_version, data, metadata, recorded_at)
       SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::int[], $6::json[], $7::json[], $8::text[])`,
      [page.map((e) => e.streamId), page.map((e) => e.version), page.map((e) => e.eventId), page.map((e) => e.type), page.map((e) => e.schemaVersion),
        page.map((e) => JSON.stringify(e.data)), page.map((e) => JSON.stringify(e.metadata)), page.map((e) => e.recordedAt)],
    );
  }
  const ms = Date.now() - t0;
  await conn.pool.end();
  return (events.length / ms) * 1000;
}

async function migrationBench(database: string, dir: string): Promise<BenchResult> {
  const path = join(dir, 'source.db');
  const source = new SqliteEventStore({ path });
  for (let i = 0; i < EVENTS; i += 10) await source.append(`t1:Order-${(i / 10) % 500}`, Array.from({ length: 10 }, (_, k) => event(i + k)), 'any');
  const all: StoredEvent[] = [];
  for (let after: string | undefined; ;) {
    const page = await source.readAll({ after, limit: 5000 });
    all.push(...page.events);
    after = page.checkpoint;
    if (page.isEnd) break;
  }
  const raw = await rawBatchedInsert(database, all);
  const target = new PostgresEventStore({ connection: openPostgres(section(database, 'migrated')) });
  const checkpoints = new PostgresCheckpointStore({ connection: openPostgres(section(database, 'migrated')) });
  await checkpoints.get('warm-up');
  const r = await copyEvents(source, target, checkpoints, { checkpointName: 'bench', pageSize: 500 });
  const product = (r.read / r.elapsedMs) * 1000;
  await Promise.all([source.close(), target.close(), checkpoints.close()]);
  return {
    name: 'migrate-sqlite-to-postgres', unit: 'events/s', value: Math.round(product),
    baseline: { name: 'raw batched INSERT (500 rows/statement)', value: Math.round(raw) }, ratio: +(product / raw).toFixed(2),
    notes: `${EVENTS} events in 500-event pages; product reads SQLite, checks target versions, inserts, stores a checkpoint per page`,
  };
}

/** Runs `writers` concurrent loops of `per` calls of `one(w, i)`; returns the elapsed ms. */
async function timedWriters(writers: number, per: number, from: number, one: (w: number, i: number) => Promise<unknown>): Promise<number> {
  const t0 = Date.now();
  await Promise.all(Array.from({ length: writers }, async (_, w) => {
    for (let i = from; i < from + per; i++) await one(w, i);
  }));
  return Date.now() - t0;
}

/**
 * Product and raw run in ROUNDS alternating slices (P R R P P R …), so that load from other
 * work on this shared machine drifts onto both sides alike instead of onto whichever ran second.
 */
async function appendBench(database: string, writers: number): Promise<BenchResult> {
  const store = new PostgresEventStore({ connection: openPostgres(section(database, `appends_${writers}`)) });
  await store.streamInfo('t1:warm-up');
  const conn = openPostgres(section(database, `raw_${writers}`));
  await migrate(conn.pool, conn.schema, conn.service);
  const per = APPENDS / writers / ROUNDS;
  const versions = new Map<string, number>();
  const product = (from: number): Promise<number> => timedWriters(writers, per, from,
    (w, i) => store.append(`t1:Order-${w}-${i % 50}`, [event(i)], 'any'));
  const raw = (from: number): Promise<number> => timedWriters(writers, per, from, (w, i) => {
    const s = `t1:Order-${w}-${i % 50}`;
    const v = (versions.get(s) ?? 0) + 1;
    versions.set(s, v);
    const e = event(i);
    return conn.pool.query(
      `INSERT INTO ${conn.schema}.events (stream_id, version, event_id, type, schema_version, data, metadata, recorded_at) VALUES ($1, $2, $3, $4, $5, $6::json, $7::json, $8)`,
      [s, v, e.eventId, e.type, e.schemaVersion, JSON.stringify(e.data), JSON.stringify(e.metadata), new Date().toISOString()]);
  });
  let productMs = 0;
  let rawMs = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const from = round * per;
    if (round % 2 === 0) {
      productMs += await product(from);
      rawMs += await raw(from);
    } else {
      rawMs += await raw(from);
      productMs += await product(from);
    }
  }
  await Promise.all([store.close(), conn.pool.end()]);
  const value = (APPENDS / productMs) * 1000;
  const baseline = (APPENDS / rawMs) * 1000;
  return {
    name: `postgres-append-single-${writers}w`, unit: 'events/s', value: Math.round(value),
    baseline: { name: 'raw pg INSERT, autocommit', value: Math.round(baseline) }, ratio: +(value / baseline).toFixed(2),
    notes: `${APPENDS} single-event appends, ${writers} writer(s), ${ROUNDS} alternating rounds, synchronous_commit on for both`,
  };
}

export const benchmark: Benchmark = {
  name: 'selfhosted',
  async run() {
    const database = `nexus_bench_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
    const dir = mkdtempSync(join(tmpdir(), 'nexus-bench-sh-'));
    await admin(`CREATE DATABASE ${database}`);
    try {
      return [await migrationBench(database, dir), await appendBench(database, 1), await appendBench(database, 8)];
    } finally {
      await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

/**
 * Append throughput of the SQLite EventStore against raw better-sqlite3 inserting the same rows
 * into the same table (same indexes) with the same durability (WAL, synchronous=FULL), for
 * single-event and 10-event appends. Product and baseline alternate append by append in one run
 * (the machine is noisy) and each uses its own file. Target: product >= 0.9x raw.
 *
 * The raw baseline is what a hand-written driver loop does at the minimum: it knows each
 * stream's version from a local counter (no read), inserts with a cached statement, and commits
 * (autocommit for one row, one transaction for ten). The product additionally validates the
 * append, reads the stream head (one indexed lookup), checks the expected version, and returns
 * the stored events. The synchronous=NORMAL pair (no fsync per commit) is informational: with
 * the fsync gone it shows the product's CPU overhead per append.
 */
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewEvent } from '../runtime/ports';
import { SqliteEventStore } from '../runtime/adapters/local/SqliteEventStore';
import { migrate } from '../runtime/adapters/local/sqlite/migrations';
import type { Benchmark, BenchResult } from './lib';

const STREAMS = 50;
const TARGET = 0.9;

function newEvent(i: number): NewEvent {
  // ~150 bytes of data, as in ENVIRONMENT.md's reference figures.
  return {
    eventId: randomUUID(),
    type: 'ItemAdded',
    schemaVersion: 1,
    data: { orderId: `order-${i % STREAMS}`, sku: `SKU-${(i * 7919) % 100000}`, quantity: (i % 5) + 1, unitPrice: 19.99, currency: 'EUR', note: 'bench' },
    metadata: { correlationId: 'c0ffee00-0000-4000-8000-000000000000', tenant: 't1' },
  };
}

class Raw {
  readonly db: Database.Database;
  private readonly insert: Database.Statement;
  private readonly versions = new Map<string, number>();
  private readonly many: (stream: string, events: readonly NewEvent[]) => void;

  constructor(path: string, sync: 'FULL' | 'NORMAL') {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${sync}`);
    migrate(this.db, path);
    this.insert = this.db.prepare(
      'INSERT INTO events (stream_id, version, event_id, type, schema_version, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const tx = this.db.transaction((stream: string, events: readonly NewEvent[]) => {
      for (const e of events) this.one(stream, e);
    });
    this.many = (stream, events) => tx(stream, events);
  }

  one(stream: string, e: NewEvent): void {
    const v = (this.versions.get(stream) ?? 0) + 1;
    this.versions.set(stream, v);
    this.insert.run(stream, v, e.eventId, e.type, e.schemaVersion, JSON.stringify(e.data), JSON.stringify(e.metadata ?? {}), new Date().toISOString());
  }

  append(stream: string, events: readonly NewEvent[]): void {
    if (events.length === 1) this.one(stream, events[0]!);
    else this.many(stream, events);
  }
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const elapsedMs = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e6;

/**
 * Product and raw alternate append by append (who goes first alternates too), so a burst of
 * load from other processes or a slow fsync hits both sides alike; each side's total time gives
 * its throughput, and the ratio of totals is the reported ratio.
 */
async function measure(batch: number, appends: number, dir: string, sync: 'FULL' | 'NORMAL'): Promise<BenchResult> {
  const product = new SqliteEventStore({ path: join(dir, `product-${batch}-${sync}.db`), synchronous: sync });
  const raw = new Raw(join(dir, `raw-${batch}-${sync}.db`), sync);
  const versions = new Map<string, number>();
  let seq = 0;
  const work = (i: number): [string, NewEvent[]] => [`t1:Order-${i % STREAMS}`, Array.from({ length: batch }, () => newEvent(seq++))];
  const productAppend = async ([stream, events]: [string, NewEvent[]]): Promise<number> => {
    const t0 = process.hrtime.bigint();
    const res = await product.append(stream, events, versions.get(stream) ?? 'no_stream');
    versions.set(stream, res.nextVersion);
    return elapsedMs(t0);
  };
  const rawAppend = async ([stream, events]: [string, NewEvent[]]): Promise<number> => {
    const t0 = process.hrtime.bigint();
    raw.append(stream, events);
    await Promise.resolve(); // the same event-loop turn the product's async API costs a caller
    return elapsedMs(t0);
  };

  const warmUp = Math.min(200, Math.ceil(appends / 10));
  for (let i = 0; i < warmUp; i++) {
    await productAppend(work(i));
    await rawAppend(work(i));
  }
  let productMs = 0;
  let rawMs = 0;
  const pairs: number[] = [];
  for (let i = 0; i < appends; i++) {
    let pm: number;
    let rm: number;
    if (i % 2 === 0) {
      pm = await productAppend(work(i));
      rm = await rawAppend(work(i));
    } else {
      rm = await rawAppend(work(i));
      pm = await productAppend(work(i));
    }
    productMs += pm;
    rawMs += rm;
    pairs.push(rm / pm);
  }
  await product.close();
  raw.db.close();
  const productRate = ((appends * batch) / productMs) * 1000;
  const rawRate = ((appends * batch) / rawMs) * 1000;
  const ratio = productRate / rawRate;
  return {
    name: `sqlite-append-${batch === 1 ? 'single' : `${batch}-events`}${sync === 'FULL' ? '' : '-sync-normal'}`,
    unit: 'events/s',
    value: productRate,
    baseline: { name: `raw better-sqlite3 (${batch === 1 ? 'autocommit' : `${batch}-row tx`})`, value: rawRate },
    ratio,
    target: sync === 'FULL' ? `>= ${TARGET}x raw` : 'informational (no fsync per commit: shows CPU overhead)',
    met: sync === 'FULL' ? ratio >= TARGET : undefined,
    notes:
      `WAL, synchronous=${sync}, ${appends} appends each side alternating append by append, ${STREAMS} streams; ` +
      `${((productMs / appends) * 1000).toFixed(0)} us/append vs ${((rawMs / appends) * 1000).toFixed(0)} us raw; ` +
      `median per-pair ratio ${median(pairs).toFixed(2)}; load average ${loadavg()[0]!.toFixed(1)}`,
  };
}

export const benchmark: Benchmark = {
  name: 'store: SQLite EventStore append vs raw better-sqlite3',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'nexus-bench-store-'));
    try {
      return [
        await measure(1, 2000, dir, 'FULL'),
        await measure(10, 1000, dir, 'FULL'),
        await measure(1, 10000, dir, 'NORMAL'),
        await measure(10, 4000, dir, 'NORMAL'),
      ];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

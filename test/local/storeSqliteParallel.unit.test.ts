/**
 * Real parallelism on one SQLite file: several worker threads, each with its own connection,
 * append to the same stream at the same moment. Exactly one writer wins each version, the
 * stream ends with no gaps and no duplicates, and a loser only ever sees ConcurrencyError
 * (expected vs actual) or a retryable UnavailableError — never a generic error.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { SqliteEventStore } from '../../runtime/adapters/local/SqliteEventStore';
import type { WorkerInput, WorkerReply, WorkerRequest } from './storeSqliteWorker';

const WRITERS = 4;
const ROUNDS = 12;
const LAND_EACH = 25;

class WorkerHandle {
  private readonly waiting: Array<{ resolve(r: WorkerReply): void; reject(e: unknown): void }> = [];
  constructor(readonly worker: Worker) {
    worker.on('message', (r: WorkerReply) => this.waiting.shift()?.resolve(r));
    worker.on('error', (err) => this.waiting.splice(0).forEach((w) => w.reject(err)));
  }
  next(): Promise<WorkerReply> {
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }
  send(req: WorkerRequest): void {
    this.worker.postMessage(req);
  }
}

function startWorker(input: WorkerInput): WorkerHandle {
  const loader = require.resolve('tsx/cjs');
  const script = join(__dirname, 'storeSqliteWorker.ts');
  const code = `require(${JSON.stringify(loader)}); require(${JSON.stringify(script)});`;
  return new WorkerHandle(new Worker(code, { eval: true, workerData: input }));
}

describe('SqliteEventStore: worker threads appending to one stream in one file', function () {
  this.timeout(60_000);
  let dir: string;
  let path: string;
  let workers: WorkerHandle[] = [];
  const barrier = new SharedArrayBuffer(4);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nexus-parallel-'));
    path = join(dir, 'events.db');
    // Create the file (and its schema) once before the workers race to open it.
    new SqliteEventStore({ path }).close().catch(() => undefined);
    Atomics.store(new Int32Array(barrier), 0, 0);
  });
  afterEach(async () => {
    await Promise.all(workers.map(async (w) => {
      const closed = w.next();
      w.send({ kind: 'close' });
      await closed;
      await w.worker.terminate();
    }));
    workers = [];
    rmSync(dir, { recursive: true, force: true });
  });

  const spawn = (streamId: string): void => {
    workers = Array.from({ length: WRITERS }, (_, writer) => startWorker({ path, streamId, writer, barrier }));
  };

  it(`${WRITERS} threads race for each of ${ROUNDS} versions: one winner each, losers get typed errors`, async () => {
    const streamId = 't1:Order-race';
    spawn(streamId);
    const gate = new Int32Array(barrier);
    for (let round = 1; round <= ROUNDS; round++) {
      const expected = round === 1 ? 'no_stream' : round - 1;
      const ready = workers.map((w) => w.next());
      workers.forEach((w) => w.send({ kind: 'race', round, expected }));
      await Promise.all(ready);
      const results = workers.map((w) => w.next());
      Atomics.store(gate, 0, round);
      Atomics.notify(gate, 0);
      const outcomes = (await Promise.all(results)) as Array<Extract<WorkerReply, { kind: 'raced' }>>;
      const winners = outcomes.filter((o) => o.nextVersion !== undefined);
      assert.equal(winners.length, 1, `round ${round}: ${winners.length} winners: ${JSON.stringify(outcomes)}`);
      assert.equal(winners[0]!.nextVersion, round);
      for (const o of outcomes.filter((x) => x.error)) {
        const e = o.error!;
        if (e.code === 'CONCURRENCY_CONFLICT') {
          assert.equal(e.expected, expected);
          assert.equal(e.actual, round, `round ${round}: loser told the winner's version`);
        } else {
          assert.equal(e.code, 'UNAVAILABLE', `round ${round}: a loser got ${e.name}: ${e.message}`);
          assert.equal(e.retryable, true);
        }
      }
    }
    const store = new SqliteEventStore({ path });
    const events = await store.readStream(streamId);
    await store.close();
    assert.deepEqual(events.map((e) => e.version), Array.from({ length: ROUNDS }, (_, i) => i + 1));
    assert.equal(new Set(events.map((e) => e.eventId)).size, ROUNDS);
  });

  it(`${WRITERS} threads each land ${LAND_EACH} events by reload-and-retry: no gaps, no duplicates, no untyped errors`, async () => {
    const streamId = 't1:Order-land';
    spawn(streamId);
    const replies = workers.map((w) => w.next());
    workers.forEach((w) => w.send({ kind: 'land', count: LAND_EACH }));
    const landed = (await Promise.all(replies)) as Array<Extract<WorkerReply, { kind: 'landed' }>>;
    for (const l of landed) assert.deepEqual(l.errors, [], 'only ConcurrencyError or retryable errors');
    const versions = landed.flatMap((l) => l.versions).sort((a, b) => a - b);
    const total = WRITERS * LAND_EACH;
    assert.deepEqual(versions, Array.from({ length: total }, (_, i) => i + 1), 'each version won by exactly one writer');
    const store = new SqliteEventStore({ path });
    const events = await store.readStream(streamId);
    const page = await store.readAll({ limit: total + 10 });
    await store.close();
    assert.deepEqual(events.map((e) => e.version), versions);
    assert.equal(new Set(events.map((e) => e.eventId)).size, total);
    for (let w = 0; w < WRITERS; w++) {
      assert.deepEqual(events.filter((e) => e.data['writer'] === w).map((e) => e.data['i']), Array.from({ length: LAND_EACH }, (_, i) => i));
    }
    assert.deepEqual(page.events.map((e) => e.eventId), events.map((e) => e.eventId), 'readAll (position order) == commit order');
    console.log(`      (conflicts: ${landed.map((l) => l.conflicts).join('/')}, busy retries: ${landed.map((l) => l.retried).join('/')})`);
  });
});

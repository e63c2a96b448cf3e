/**
 * The command handler under real parallelism: worker threads, each with its own connections to
 * one SQLite file, send commands to the same order at the same moment — distinct commands and
 * the same command ids from every worker. Every distinct command lands exactly once, versions
 * are gap-free, and a command id sent by every worker is appended once and answered alike.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { SqliteEventStore } from '../../runtime/adapters/local/SqliteEventStore';
import { SqliteIdempotencyStore } from '../../runtime/adapters/local/SqliteIdempotencyStore';
import { AggregateRegistry } from '../../runtime/core/aggregate';
import { CommandHandler } from '../../runtime/core/commandHandler';
import { orderDecider } from '../../examples/orders';
import type { CommandWorkerInput, CommandWorkerOutput } from './commandWorker';

const WORKERS = 4;
const OWN = 8;
const SHARED = 4;

function runWorker(input: CommandWorkerInput): Promise<CommandWorkerOutput> {
  const loader = require.resolve('tsx/cjs');
  const script = join(__dirname, 'commandWorker.ts');
  const worker = new Worker(`require(${JSON.stringify(loader)}); require(${JSON.stringify(script)});`, { eval: true, workerData: input });
  return new Promise((resolve, reject) => {
    worker.once('message', (m: CommandWorkerOutput) => {
      void worker.terminate();
      resolve(m);
    });
    worker.once('error', reject);
  });
}

describe('CommandHandler on SQLite with concurrent worker threads', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'nexus-cmd-parallel-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('lands every distinct command once and every shared command id once', async () => {
    const path = join(dir, 'events.db');
    const eventStore = new SqliteEventStore({ path });
    const idempotency = new SqliteIdempotencyStore({ path });
    const handler = new CommandHandler({ eventStore, idempotency, aggregates: new AggregateRegistry([orderDecider]) });
    await handler.handle({ tenant: 'acme', aggregateType: 'Order', aggregateId: 'p', type: 'PlaceOrder', payload: { customerId: 'c', currency: 'EUR' } });

    const barrier = new SharedArrayBuffer(4);
    const gate = new Int32Array(barrier);
    const shared = Array.from({ length: SHARED }, (_, k) => ({ commandId: `shared-${k}`, sku: `SHARED-${k}` }));
    const outputs = Array.from({ length: WORKERS }, (_, w) => runWorker({
      path, orderId: 'p', barrier,
      commands: [...Array.from({ length: OWN }, (_, i) => ({ commandId: `w${w}-${i}`, sku: `W${w}-${i}` })), ...shared],
    }));
    while (Atomics.load(gate, 0) < WORKERS) await new Promise((r) => setTimeout(r, 5));
    Atomics.store(gate, 0, -1);
    Atomics.notify(gate, 0);
    const done = await Promise.all(outputs);
    for (const o of done) assert.equal(o.error, undefined, o.error);

    const events = await eventStore.readStream('acme:Order-p');
    assert.deepEqual(events.map((e) => e.version), Array.from({ length: 1 + WORKERS * OWN + SHARED }, (_, i) => i + 1), 'gap-free, nothing lost, nothing doubled');
    const skus = events.slice(1).map((e) => String(e.data.sku));
    assert.equal(new Set(skus).size, skus.length, 'each command appended once');
    for (const s of shared) {
      const answers = done.map((o) => o.results.find((r) => r.commandId === s.commandId)!);
      assert.equal(new Set(answers.map((a) => a.version)).size, 1, `${s.commandId}: every worker got the same result`);
      assert.equal(answers.filter((a) => !a.replayed).length, 1, `${s.commandId}: exactly one worker appended it`);
    }
    const retried = done.reduce((n, o) => n + o.conflictsRetried, 0);
    console.log(`      ${WORKERS} workers, ${WORKERS * (OWN + SHARED)} commands, ${retried} conflicts retried`);
    assert.ok(retried > 0, 'the workers really raced');
    await eventStore.close();
    await idempotency.close();
  });
});

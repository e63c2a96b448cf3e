/**
 * HTTP command benchmark on the local stack (`npm start`'s app: SQLite store, bus, read side with
 * projections and the Orders fulfilment saga, notifications): POST /commands/Order/<id> PlaceOrder
 * at fixed rates (50 req/s with 10 connections — the issue's case — then 100 and 200 req/s with
 * rate/5 connections so the client never runs out of connections), against GET /health at the
 * same rate on the same app just before (the HTTP floor under this machine's current load).
 *
 * Honest measurement: the load generator runs in a child process (bench/httpLoad.ts), so its work
 * is neither on the server's event loop nor in the server's CPU time; each rate gets a fresh app
 * and state directory; "sustains" also requires the read side (relay, projections, saga,
 * notifications) to have caught up within 2 s of the last request, and the server CPU time per
 * command (command path + read side) is reported.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Benchmark, BenchResult } from './lib';
import type { LoadRequest, LoadResult } from './httpLoad';
import { startLocalApp, type LocalApp } from '../runtime/http/localApp';

const SECONDS = 5;
const RATES = [50, 100, 200] as const;
/** The read side must have caught up this soon after the last command for the rate to count as sustained. */
const DRAIN_BUDGET_MS = 2_000;
/** Give up waiting for the read side after this. */
const DRAIN_LIMIT_MS = 60_000;

function load(req: LoadRequest): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(join(__dirname, 'httpLoad.ts'), { stdio: 'inherit' });
    child.once('message', (m: { result?: LoadResult; error?: string }) => (m.result ? resolve(m.result) : reject(new Error(`load generator: ${m.error}`))));
    child.once('error', reject);
    child.once('exit', (code) => code !== 0 && reject(new Error(`load generator exited with ${code}`)));
    child.send(req);
  });
}

/**
 * Until nothing is left for the read side: no delivery unsettled on the local bus (read as an
 * observer through a read-only connection) and the saga has issued its command for every order.
 * Returns the time it took, or undefined past DRAIN_LIMIT_MS.
 */
async function drain(local: LocalApp, busPath: string, orders: number): Promise<number | undefined> {
  const started = Date.now();
  const bus = new Database(busPath, { readonly: true, fileMustExist: true });
  try {
    const pending = bus.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM bus_deliveries');
    const saga = local.readSide?.sagas[0];
    for (;;) {
      const issued = saga?.stats.commandsIssued ?? orders;
      if (pending.get()!.n === 0 && issued >= orders) return Date.now() - started;
      if (Date.now() - started > DRAIN_LIMIT_MS) return undefined;
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    bus.close();
  }
}

async function atRate(rate: number): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'nexus-bench-http-'));
  const local = await startLocalApp({ dir, port: 0, logger: false });
  try {
    const connections = Math.max(10, rate / 5);
    // Stock for every order, so the fulfilment saga reserves (the normal path).
    await local.commands.handle({ tenant: 'dev', aggregateType: 'Inventory', aggregateId: 'BOOK', type: 'Restock', payload: { quantity: 1_000_000 } });
    const health = await load({ url: `${local.url}/health`, connections, seconds: SECONDS, rate });
    const body = JSON.stringify({ type: 'PlaceOrder', payload: { customerId: 'c-1', currency: 'EUR', items: [{ sku: 'BOOK', name: 'Book', quantity: 1, unitPriceCents: 1000 }] } });
    const cpu0 = process.cpuUsage();
    const commands = await load({
      url: local.url, connections, seconds: SECONDS, rate,
      post: { pathPrefix: '/commands/Order/bench-', body, headers: { authorization: `Bearer ${local.devToken}`, 'content-type': 'application/json' } },
    });
    const drainMs = await drain(local, join(dir, 'bus.db'), commands.total);
    const cpu = process.cpuUsage(cpu0);
    const cpuPerCommand = (cpu.user + cpu.system) / 1000 / Math.max(1, commands.total);
    const clean = commands.non2xx === 0 && commands.errors === 0 && commands.timeouts === 0;
    const keptUp = drainMs !== undefined && drainMs <= DRAIN_BUDGET_MS;
    const drained = drainMs === undefined ? `not within ${DRAIN_LIMIT_MS / 1000} s` : `${drainMs} ms`;
    const where = `${connections} connections, ${SECONDS} s, load average ${loadavg()[0]!.toFixed(1)}`;
    return [
      {
        name: `http-command-throughput @${rate} req/s`, unit: 'req/s', value: commands.average,
        baseline: { name: 'GET /health', value: health.average }, ratio: commands.average / health.average,
        target: `sustains ${rate} req/s: >= ${rate * 0.95} req/s, no errors, read side caught up within ${DRAIN_BUDGET_MS / 1000} s`,
        met: clean && commands.average >= rate * 0.95 && keptUp,
        notes: `${commands.total} commands, non-2xx ${commands.non2xx}, errors ${commands.errors}, timeouts ${commands.timeouts}; ` +
          `read side caught up ${drained} after the last command; server CPU ${cpuPerCommand.toFixed(1)} ms per command (command path + read side); ${where}`,
      },
      {
        name: `http-command-latency-p99 @${rate} req/s`, unit: 'ms', value: commands.p99,
        baseline: { name: 'GET /health p99', value: health.p99 }, ratio: commands.p99 / Math.max(1, health.p99),
        notes: `commands p50 ${commands.p50} ms, p90 ${commands.p90} ms, max ${commands.max} ms; /health p50 ${health.p50} ms, max ${health.max} ms`,
      },
    ];
  } finally {
    await local.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export const benchmark: Benchmark = {
  name: 'http',
  async run() {
    const results: BenchResult[] = [];
    for (const rate of RATES) results.push(...(await atRate(rate)));
    return results;
  },
};

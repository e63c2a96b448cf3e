/**
 * HTTP command benchmark on the local stack (`npm start`'s app, read side and sagas running):
 * command throughput and p99 with autocannon at a fixed rate, against GET /health at that rate.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Benchmark, BenchResult } from './lib';
import { startLocalApp } from '../runtime/http/localApp';

/** The part of autocannon's API used here (the package ships no types). */
interface AutocannonRequest { method?: string; path?: string; headers?: Record<string, string>; body?: string; setupRequest?: (req: AutocannonRequest) => AutocannonRequest }
interface AutocannonOptions { url: string; connections?: number; duration?: number; overallRate?: number; requests?: AutocannonRequest[] }
interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (o: AutocannonOptions, cb: (err: Error | null, res: AutocannonResult) => void) => unknown;

const tmp = (): string => mkdtempSync(join(tmpdir(), 'nexus-bench-'));

async function httpCommands(): Promise<BenchResult[]> {
  const dir = tmp();
  const local = await startLocalApp({ dir, port: 0, logger: false });
  try {
    const rate = 50;
    // Stock for every order, so the fulfilment saga reserves (and the run measures the normal path).
    await local.commands.handle({ tenant: 'dev', aggregateType: 'Inventory', aggregateId: 'BOOK', type: 'Restock', payload: { quantity: 1_000_000 } });
    const headers = { authorization: `Bearer ${local.devToken}`, 'content-type': 'application/json' };
    let n = 0;
    const body = JSON.stringify({ type: 'PlaceOrder', payload: { customerId: 'c-1', currency: 'EUR', items: [{ sku: 'BOOK', name: 'Book', quantity: 1, unitPriceCents: 1000 }] } });
    const run = (opts: AutocannonOptions): Promise<AutocannonResult> => new Promise((resolve, reject) => {
      autocannon(opts, (err, res) => (err ? reject(err) : resolve(res)));
    });
    const commands = await run({
      url: local.url, connections: 10, duration: 5, overallRate: rate,
      requests: [{ method: 'POST', headers, body, setupRequest: (req) => ({ ...req, path: `/commands/Order/bench-${++n}` }) }],
    });
    const health = await run({ url: `${local.url}/health`, connections: 10, duration: 5, overallRate: rate });
    const ok = commands.non2xx === 0 && commands.errors === 0;
    return [
      {
        name: `http-command-throughput @${rate} req/s`, unit: 'req/s', value: commands.requests.average, baseline: { name: 'GET /health', value: health.requests.average },
        ratio: commands.requests.average / health.requests.average, target: `sustains ${rate} req/s with no errors`, met: ok && commands.requests.average >= rate * 0.95,
        notes: `${commands.requests.total} requests, non-2xx ${commands.non2xx}, errors ${commands.errors}`,
      },
      {
        name: `http-command-latency-p99 @${rate} req/s`, unit: 'ms', value: commands.latency.p99, baseline: { name: 'GET /health p99', value: health.latency.p99 },
        ratio: commands.latency.p99 / Math.max(1, health.latency.p99), notes: `p50 ${commands.latency.p50} ms`,
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
    return httpCommands();
  },
};

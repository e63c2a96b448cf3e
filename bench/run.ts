/**
 * `npm run bench [-- name-filter]`: runs every bench/*.bench.ts (each exports `benchmark`),
 * prints a readable table and writes bench/results/latest.json.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { Benchmark, BenchResult } from './lib';

async function main(): Promise<void> {
  const filter = process.argv[2];
  const files = readdirSync(__dirname).filter((f) => f.endsWith('.bench.ts') && (!filter || f.includes(filter))).sort();
  const all: Array<BenchResult & { suite: string }> = [];
  for (const file of files) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { benchmark } = require(join(__dirname, file)) as { benchmark: Benchmark };
    console.log(`\n== ${benchmark.name} (${file})`);
    const results = await benchmark.run();
    for (const r of results) all.push({ ...r, suite: benchmark.name });
    console.table(
      results.map((r) => ({
        name: r.name,
        value: `${round(r.value)} ${r.unit}`,
        baseline: r.baseline ? `${round(r.baseline.value)} (${r.baseline.name})` : '',
        ratio: r.ratio === undefined ? '' : round(r.ratio),
        target: r.target ?? '',
        met: r.met === undefined ? '' : r.met ? 'yes' : 'NO',
      })),
    );
  }
  mkdirSync(join(__dirname, 'results'), { recursive: true });
  const out = { machine: { node: process.version, cpus: cpus().length }, at: new Date().toISOString(), results: all };
  writeFileSync(join(__dirname, 'results', 'latest.json'), JSON.stringify(out, null, 2));
  console.log(`\nwrote bench/results/latest.json (${all.length} results)`);
}

function round(n: number): number {
  return Math.abs(n) >= 100 ? Math.round(n) : Math.round(n * 100) / 100;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

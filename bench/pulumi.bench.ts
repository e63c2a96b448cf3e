/**
 * The full three-cloud mocked run, timed: every Pulumi.<stack>.yaml (dev, aws-prod, gcp-prod,
 * azure-prod) planned in ONE fresh process, as `nexus plan`/CI would (tsx, cold module cache).
 * Side by side in the same run: the same work with stack traces kept (the SDK's default), to
 * show what Error.stackTraceLimit = 0 in planStack buys. Target: under ~15 s on this machine.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Benchmark, BenchResult } from './lib';

const ROOT = path.resolve(__dirname, '..');
const CHILD_FLAG = '--pulumi-plan-child';

interface ChildReport {
  readonly stacks: Array<{ stack: string; ms: number; resources: number }>;
  readonly totalMs: number;
}

function stacks(): string[] {
  return fs.readdirSync(ROOT).map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1]).filter((s): s is string => Boolean(s)).sort();
}

/** One cold process planning every stack; returns its report and the wall time seen from outside. */
function runChild(stackTraces: boolean): ChildReport & { wallMs: number } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['-r', 'tsx/cjs', __filename, CHILD_FLAG, stackTraces ? 'traces' : 'fast'], {
    cwd: ROOT, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024,
  });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`plan child failed (${r.status}): ${r.stderr}`);
  const line = r.stdout.trim().split('\n').pop() ?? '{}';
  return { ...(JSON.parse(line) as ChildReport), wallMs };
}

export const benchmark: Benchmark = {
  name: 'pulumi three-cloud mocked plan',
  async run(): Promise<BenchResult[]> {
    const fast = runChild(false);
    const traced = runChild(true);
    const resources = fast.stacks.reduce((a, s) => a + s.resources, 0);
    const perStack = fast.stacks.map((s) => `${s.stack} ${s.ms.toFixed(0)} ms/${s.resources}`).join(', ');
    return [
      {
        name: 'plan-all-stacks-wall', unit: 'ms', value: fast.wallMs,
        baseline: { name: 'same run, stack traces kept', value: traced.wallMs }, ratio: fast.wallMs / traced.wallMs,
        target: '< 15000 ms', met: fast.wallMs < 15000,
        notes: `${fast.stacks.length} stacks, ${resources} registrations, process start included; ${perStack}`,
      },
      {
        name: 'plan-all-stacks-program', unit: 'ms', value: fast.totalMs,
        baseline: { name: 'stack traces kept', value: traced.totalMs }, ratio: fast.totalMs / traced.totalMs,
        notes: 'planStack time only (module load of the first stack included)',
      },
      { name: 'plan-per-resource', unit: 'ms/resource', value: fast.totalMs / resources, notes: 'mocked registration cost' },
    ];
  },
};

async function child(stackTraces: boolean): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { planStack } = require('../runtime/cli/plan/runStack') as typeof import('../runtime/cli/plan/runStack');
  const out: ChildReport['stacks'] = [];
  const t0 = Date.now();
  for (const stack of stacks()) {
    const s = Date.now();
    const p = await planStack({ stack, root: ROOT, stackTraces });
    out.push({ stack, ms: Date.now() - s, resources: p.resources.length });
  }
  process.stdout.write(`${JSON.stringify({ stacks: out, totalMs: Date.now() - t0 })}\n`);
}

if (process.argv.includes(CHILD_FLAG)) {
  child(process.argv.includes('traces'))
    .then(() => process.exit(0))
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}

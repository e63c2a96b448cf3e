/**
 * Benchmark helpers. Every benchmark measures the product and its baseline side by side in
 * the same run (these machines are noisy) and reports ratios, never absolute pass/fail timers.
 */
export interface BenchResult {
  /** Benchmark name, e.g. "sqlite-append-single". */
  readonly name: string;
  /** What was measured and its unit, e.g. "events/s". */
  readonly unit: string;
  readonly value: number;
  /** The side-by-side baseline measured in the same run, when there is one. */
  readonly baseline?: { readonly name: string; readonly value: number };
  /** value / baseline (or the metric the target is about). */
  readonly ratio?: number;
  /** Human-readable target, e.g. ">= 0.9x raw". */
  readonly target?: string;
  readonly met?: boolean;
  readonly notes?: string;
}

export interface Benchmark {
  readonly name: string;
  run(): Promise<BenchResult[]>;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function timeIt(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

export async function timeItAsync(fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

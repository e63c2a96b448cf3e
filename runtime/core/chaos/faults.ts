/**
 * Fault plans for chaos tests: which faults fire, how often, from a seeded random source so a
 * failing run can be replayed, and counters of what actually fired.
 */
import { NexusError } from '../../ports/errors';
import { UnavailableError } from '../../ports/errors';

export interface FaultPlan {
  /** Added delay per call, uniform in [min, max] ms. */
  readonly latencyMs?: readonly [number, number];
  /** Probability a call fails before doing anything (UnavailableError). */
  readonly transientErrorRate?: number;
  /** Probability a call is throttled (UnavailableError "throttled"), before doing anything. */
  readonly throttleRate?: number;
  /** Probability a mutating call does its work and then the caller "dies" (ProcessKilledError): work done, answer lost. */
  readonly killAfterRate?: number;
  /** Bus only: probability a published message is published twice / a delivery is handled twice. */
  readonly duplicateRate?: number;
  /** Bus only: reorder published batches across partition keys (per-key order kept). */
  readonly reorderAcrossKeys?: boolean;
  /** Seed of the random source; default 42. */
  readonly seed?: number;
}

export interface FaultCounts {
  calls: number;
  delayed: number;
  transientErrors: number;
  throttled: number;
  killed: number;
  duplicated: number;
  reordered: number;
}

export const emptyCounts = (): FaultCounts => ({ calls: 0, delayed: 0, transientErrors: 0, throttled: 0, killed: 0, duplicated: 0, reordered: 0 });

/** The "process" died after the work was done and before the caller saw the result (retryable: a restarted process retries). */
export class ProcessKilledError extends NexusError {
  readonly code = 'PROCESS_KILLED' as const;
  override readonly retryable = true;
  constructor(what: string) {
    super(`chaos: process killed during ${what} (the work may have been done)`);
  }
}

/** mulberry32: small, fast, seedable. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultInjector {
  readonly counts: FaultCounts = emptyCounts();
  enabled = true;
  private readonly random: () => number;

  constructor(readonly name: string, readonly plan: FaultPlan) {
    this.random = seededRandom(plan.seed ?? 42);
  }

  chance(p: number | undefined): boolean {
    return this.enabled && p !== undefined && p > 0 && this.random() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }

  rand(): number {
    return this.random();
  }

  /** Latency, then maybe a transient error or throttling: faults that fire before the work. */
  async before(op: string): Promise<void> {
    this.counts.calls++;
    const [min, max] = this.plan.latencyMs ?? [0, 0];
    if (this.enabled && max > 0) {
      this.counts.delayed++;
      await new Promise((r) => setTimeout(r, min + this.random() * (max - min)));
    }
    if (this.chance(this.plan.transientErrorRate)) {
      this.counts.transientErrors++;
      throw new UnavailableError(this.name, `chaos: transient failure of ${op}`);
    }
    if (this.chance(this.plan.throttleRate)) {
      this.counts.throttled++;
      throw new UnavailableError(this.name, `chaos: ${op} throttled`);
    }
  }

  /** After the work: maybe "kill the process" so the result is lost. */
  after(op: string): void {
    if (this.chance(this.plan.killAfterRate)) {
      this.counts.killed++;
      throw new ProcessKilledError(`${this.name}.${op}`);
    }
  }
}

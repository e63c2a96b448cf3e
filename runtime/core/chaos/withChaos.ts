/**
 * A fault-injecting wrapper for any port: every async method gets latency, transient errors
 * and throttling before the work, and — for the methods named mutating — "process kill" after
 * the work (done, answer lost). The wrapped object keeps its type, so it drops in anywhere.
 */
import { FaultInjector, type FaultPlan } from './faults';

export interface ChaosOptions {
  /** Methods that change state: they may be killed after doing their work. */
  readonly mutating?: readonly string[];
  /** Methods left alone (e.g. close). Default: close. */
  readonly exempt?: readonly string[];
}

export function withChaos<T extends object>(target: T, injector: FaultInjector, options: ChaosOptions = {}): T {
  const exempt = new Set(options.exempt ?? ['close']);
  const mutating = new Set(options.mutating ?? []);
  return new Proxy(target, {
    get(obj, prop, receiver) {
      const value = Reflect.get(obj, prop, receiver) as unknown;
      if (typeof value !== 'function' || typeof prop !== 'string' || exempt.has(prop)) return value;
      return async (...args: unknown[]) => {
        await injector.before(prop);
        const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(obj, args);
        if (mutating.has(prop)) injector.after(prop);
        return result;
      };
    },
  });
}

export function chaosInjector(name: string, plan: FaultPlan): FaultInjector {
  return new FaultInjector(name, plan);
}

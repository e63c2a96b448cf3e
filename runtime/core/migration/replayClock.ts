/**
 * A Clock that answers with a chosen time inside `at(time, fn)` and with the wall clock
 * elsewhere. Every EventStore adapter stamps recordedAt from its injected clock, so an import
 * that appends inside `at(original recordedAt, …)` keeps the original time without any
 * adapter-specific code. AsyncLocalStorage keeps concurrent imports of different streams apart.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { systemClock, type Clock } from '../../ports/Clock';

export class ReplayClock implements Clock {
  private readonly replayed = new AsyncLocalStorage<number>();

  constructor(private readonly base: Clock = systemClock) {}

  now(): Date {
    const at = this.replayed.getStore();
    return at === undefined ? this.base.now() : new Date(at);
  }

  /** Runs `fn` with now() fixed at `time` (ISO-8601) for every call made on its behalf. */
  at<T>(time: string, fn: () => Promise<T>): Promise<T> {
    const ms = Date.parse(time);
    if (Number.isNaN(ms)) throw new Error(`ReplayClock: "${time}" is not an ISO-8601 time`);
    return this.replayed.run(ms, fn);
  }
}

/**
 * Reading the global log into projection engines, page by page: the loop shared by rebuilds,
 * their catch-ups and tenant-scoped rebuilds. Each page is applied to every engine given (the
 * same events, so their indexes end at the same position) and then flushed; a handler's
 * PermanentError makes the event poison (counted, left out), as the live runner dead-letters it.
 */
import { isPermanentError } from '../../ports/EventBus';
import type { EventStore } from '../../ports/EventStore';
import type { StoredEvent } from '../../ports/events';
import type { ProjectionEngine } from './ProjectionEngine';
import { tenantOf } from './projection';

export interface ReplayCounts {
  /** Events read from the store. */
  read: number;
  /** Events some engine's handler refused permanently. */
  poisoned: number;
}

export interface ReplayOptions {
  /** Start after this position (default: the beginning of the log). */
  readonly after?: string;
  readonly pageSize: number;
  /** Only this tenant's events. */
  readonly tenant?: string;
  /** Only events recorded at or before this time (ms); reading stops a minute past it. */
  readonly asOfMs?: number;
  /** After each page is read, before it is applied (a bound may throw here). */
  readonly onRead?: (counts: ReplayCounts) => Promise<void>;
  /** After each page is applied and flushed. */
  readonly onPage?: (counts: ReplayCounts) => void;
}

/** Replays the log after `options.after` into `engines`; returns the position reached. */
export async function replay(store: EventStore, engines: readonly ProjectionEngine[], counts: ReplayCounts, options: ReplayOptions): Promise<string | undefined> {
  const { tenant, asOfMs } = options;
  const handled = engines[0]?.definition.handlers ?? {};
  let checkpoint = options.after;
  for (;;) {
    const { events, isEnd, next } = await readPage(store, checkpoint, options.pageSize);
    counts.read += events.length;
    await options.onRead?.(counts);
    const last = events[events.length - 1];
    const pastAsOf = asOfMs !== undefined && last !== undefined && Date.parse(last.recordedAt) > asOfMs + 60_000;
    const count = events.length;
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      // Let each event be collected once applied: what stays reachable is copied by every GC cycle.
      events[i] = undefined;
      if (asOfMs !== undefined && Date.parse(e.recordedAt) > asOfMs) continue;
      if (tenant !== undefined && tenantOf(e) !== tenant) continue;
      if (!handled[e.type]) continue;
      let poison = false;
      for (let j = 0; j < engines.length; j++) {
        try {
          await engines[j]!.apply(e);
        } catch (err) {
          if (!isPermanentError(err)) throw err;
          poison = true;
        }
      }
      if (poison) counts.poisoned++;
    }
    for (const engine of engines) await engine.flush();
    checkpoint = next ?? checkpoint;
    options.onPage?.(counts);
    if (isEnd || count === 0 || pastAsOf) return checkpoint;
  }
}

/** One readAll page, its events in an array of our own (replay releases them one by one). */
async function readPage(store: EventStore, after: string | undefined, limit: number): Promise<{ events: Array<StoredEvent | undefined>; isEnd: boolean; next: string | undefined }> {
  const page = await store.readAll({ after, limit });
  return { events: page.events.slice(), isEnd: page.isEnd, next: page.checkpoint };
}

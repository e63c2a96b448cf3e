/**
 * The copy phase of a migration: pages the source's readAll from a checkpoint kept in the
 * target's CheckpointStore, imports each page stream by stream (EventImporter: idempotent,
 * original versions and times), then moves the checkpoint. A crash between import and
 * checkpoint re-imports at most one page, which the importer skips; a re-run after completion
 * finds nothing new. A token bucket throttles reads so a live source is not starved.
 */
import type { CheckpointStore } from '../../ports/CheckpointStore';
import type { EventStore } from '../../ports/EventStore';
import type { EventImporter } from '../../ports/EventImport';
import type { StoredEvent } from '../../ports/events';
import type { SnapshotStore } from '../../ports/SnapshotStore';
import { RateLimiter } from './rateLimiter';

export interface CopyProgress {
  /** Source events handled so far in this run (imported + skipped). */
  readonly read: number;
  readonly imported: number;
  readonly skipped: number;
  readonly elapsedMs: number;
}

export interface CopyOptions {
  /** Checkpoint name in the target's CheckpointStore (one per source → target pair). */
  readonly checkpointName: string;
  /** Max events per second read from the source (0 = unlimited). */
  readonly ratePerSecond?: number;
  /** readAll page size (default 500). */
  readonly pageSize?: number;
  /** Streams of one page imported at once (default 4). */
  readonly concurrency?: number;
  readonly onProgress?: (p: CopyProgress) => void;
  /** Test hook: called after each page is imported, before its checkpoint is stored. */
  readonly afterPage?: (pageNumber: number) => Promise<void> | void;
}

export interface CopyResult extends CopyProgress {
  /** Where the run started (undefined = the beginning of the source). */
  readonly resumedFrom: string | undefined;
  readonly checkpoint: string | undefined;
}

function byStream(events: readonly StoredEvent[]): Map<string, StoredEvent[]> {
  const m = new Map<string, StoredEvent[]>();
  for (const e of events) {
    const list = m.get(e.streamId);
    if (list) list.push(e);
    else m.set(e.streamId, [e]);
  }
  return m;
}

async function inParallel<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  });
  await Promise.all(workers);
}

export async function copyEvents(source: EventStore, target: EventImporter, checkpoints: CheckpointStore, options: CopyOptions): Promise<CopyResult> {
  const started = Date.now();
  const limiter = new RateLimiter(options.ratePerSecond ?? 0);
  const resumedFrom = await checkpoints.get(options.checkpointName);
  let after = resumedFrom;
  let read = 0;
  let imported = 0;
  let skipped = 0;
  let pageNumber = 0;
  for (;;) {
    const page = await source.readAll({ after, limit: options.pageSize ?? 500 });
    if (page.events.length > 0) {
      await limiter.take(page.events.length);
      const runs = [...byStream(page.events)];
      if (target.importStreams) {
        // The whole page in one call (one transaction on PostgreSQL).
        const r = await target.importStreams(runs.map(([streamId, events]) => ({ streamId, events })));
        imported += r.imported;
        skipped += r.skipped;
      } else {
        await inParallel(runs, options.concurrency ?? 4, async ([streamId, events]) => {
          const r = await target.importEvents(streamId, events);
          imported += r.imported;
          skipped += r.skipped;
        });
      }
      read += page.events.length;
      pageNumber += 1;
      await options.afterPage?.(pageNumber);
      if (page.checkpoint !== undefined) await checkpoints.set(options.checkpointName, page.checkpoint);
      options.onProgress?.({ read, imported, skipped, elapsedMs: Date.now() - started });
    }
    after = page.checkpoint ?? after;
    if (page.isEnd || page.events.length === 0) break;
  }
  return { read, imported, skipped, elapsedMs: Date.now() - started, resumedFrom, checkpoint: after };
}

/** Copies the latest snapshot of each stream (saving again replaces it: idempotent). */
export async function copySnapshots(streamIds: Iterable<string>, source: SnapshotStore, target: SnapshotStore): Promise<number> {
  let copied = 0;
  for (const streamId of streamIds) {
    const snapshot = await source.load(streamId);
    if (!snapshot) continue;
    await target.save(snapshot);
    copied += 1;
  }
  return copied;
}

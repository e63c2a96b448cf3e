/**
 * Rebuilds a projection from scratch: reads every event through readAll into a fresh physical
 * index, then (for a real rebuild) swaps the pointer and catches up twice — once right after
 * the swap and once after a grace period — so events the live runner applied to the old index
 * meanwhile also reach the new one (documents are idempotent per stream version). The same
 * routine builds temporary point-in-time indexes for `?asOf=` queries (no swap, bounded).
 */
import type { CheckpointStore } from '../../ports/CheckpointStore';
import type { EventStore } from '../../ports/EventStore';
import { NexusError } from '../../ports/errors';
import type { SearchIndex } from '../../ports/SearchIndex';
import { ProjectionEngine } from './ProjectionEngine';
import { indexDefinitionOf, type ProjectionDefinition, type Upcast } from './projection';
import { replay, type ReplayCounts } from './replay';
import { physicalIndexName, pointerName, swapIndex } from './pointer';

export interface RebuildProgress {
  /** Events read from the store so far. */
  readonly read: number;
  readonly applied: number;
  readonly elapsedMs: number;
}

export interface RebuildOptions {
  /** Swap the pointer to the new index when done (default true); false builds a detached index. */
  readonly swap?: boolean;
  /** Only events recorded at or before this time (point-in-time build). */
  readonly asOf?: Date;
  /** Only events of this tenant. */
  readonly tenant?: string;
  /** Refuse (RangeTooLargeError) once more than this many events would be read. */
  readonly maxEvents?: number;
  /** readAll page size (one flush per page); default 2000. */
  readonly pageSize?: number;
  /** Pause between swap and the second catch-up; default 500 ms. */
  readonly graceMs?: number;
  readonly onProgress?: (p: RebuildProgress) => void;
  /** Name of the new physical index (default: generated). */
  readonly index?: string;
}

export interface RebuildResult {
  readonly index: string;
  readonly previousIndex?: string;
  readonly read: number;
  readonly applied: number;
  /** Events whose handler failed permanently (poison): left out, as the live runner dead-letters them. */
  readonly poisoned: number;
  /** The log position the index has applied up to (undefined: the log was empty). */
  readonly position?: string;
  readonly durationMs: number;
}

/** A bounded rebuild (point-in-time query) would read more events than allowed. */
export class RangeTooLargeError extends NexusError {
  readonly code = 'RANGE_TOO_LARGE' as const;
  readonly httpStatus = 422;
  constructor(readonly limit: number) {
    super(`asOf: the projection would replay more than ${limit} events; narrow the query or use a rebuilt projection`);
  }
}

export interface RebuildDeps {
  readonly store: EventStore;
  readonly search: SearchIndex;
  readonly checkpoints: CheckpointStore;
  /** Upcasts every event read (pages, gap fills, catch-ups) before the handlers see it; default none. */
  readonly upcast?: Upcast;
}

export async function rebuildProjection(def: ProjectionDefinition, deps: RebuildDeps, options: RebuildOptions = {}): Promise<RebuildResult> {
  const started = Date.now();
  const index = options.index ?? physicalIndexName(def.name);
  await deps.search.createIndex(index, indexDefinitionOf(def));
  let engine = new ProjectionEngine(def, deps.search, deps.store, index, { fresh: true, upcast: deps.upcast });
  let appliedEarlier = 0;
  const applied = (): number => appliedEarlier + engine.stats.applied;
  const counts: ReplayCounts = { read: 0, poisoned: 0 };
  const readFrom = (after: string | undefined): Promise<string | undefined> => replay(deps.store, [engine], counts, {
    after,
    // Small pages keep little reachable at a time (the page's events, the documents staged until
    // the page is flushed): measured ~20% less CPU than 10 000-event pages on a 100k-event rebuild.
    pageSize: options.pageSize ?? 2000,
    tenant: options.tenant,
    asOfMs: options.asOf?.getTime(),
    onRead: async ({ read }) => {
      if (options.maxEvents !== undefined && read > options.maxEvents) {
        await deps.search.dropIndex(index).catch(() => undefined);
        throw new RangeTooLargeError(options.maxEvents);
      }
    },
    onPage: ({ read }) => options.onProgress?.({ read, applied: applied(), elapsedMs: Date.now() - started }),
  });

  let position = await readFrom(undefined);
  let previousIndex: string | undefined;
  if (options.swap !== false) {
    previousIndex = await swapIndex(deps.checkpoints, def.name, index);
    // From the swap on the live runner writes this index too: catch up reading documents through.
    appliedEarlier = engine.stats.applied;
    engine = new ProjectionEngine(def, deps.search, deps.store, index, { upcast: deps.upcast });
    position = await readFrom(position);
    await new Promise((r) => setTimeout(r, options.graceMs ?? 500));
    position = await readFrom(position);
    if (position) await deps.checkpoints.set(`projection:${def.name}:position`, position);
    if (previousIndex && previousIndex !== index) await deps.search.dropIndex(previousIndex);
  }
  return { index, previousIndex, read: counts.read, applied: applied(), poisoned: counts.poisoned, position, durationMs: Date.now() - started };
}

export async function currentIndex(checkpoints: CheckpointStore, projection: string): Promise<string | undefined> {
  return checkpoints.get(pointerName(projection));
}

/**
 * Applies events to one physical index of a projection: runs the handler for the event type
 * against a staged view of the documents, fills gaps from the event store (ProjectionGapError:
 * earlier versions of a stream are read and applied first), and writes the staged documents
 * in one upsert per flush. Used both by the live runner (flush per delivery) and by rebuilds
 * (flush per page into a fresh index: a document is read back only if an earlier page wrote it).
 * A rebuild applies every event of the log through here, so the per-event path allocates little:
 * one reused staging context per gap-fill depth, bookkeeping kept as Maps until written.
 */
import type { EventStore } from '../../ports/EventStore';
import type { StoredEvent } from '../../ports/events';
import type { SearchDocument, SearchIndex } from '../../ports/SearchIndex';
import { PermanentError } from '../../ports/EventBus';
import { isRetryable } from '../../ports/errors';
import { NOT_LOADED, isProjectionGapError, serializeDocument, type ProjectionContext, type ProjectionDefinition, type ProjectionHandler, type Upcast } from './projection';

export interface EngineStats {
  applied: number;
  duplicates: number;
  ignored: number;
  gapsFilled: number;
}

export type ApplyOutcome = 'applied' | 'duplicate' | 'ignored';

export interface EngineOptions {
  /** A fresh index no one else writes (rebuild): only what this engine wrote exists. Default false. */
  readonly fresh?: boolean;
  /** Upcasts each event before its handler runs; default none (events as stored). */
  readonly upcast?: Upcast;
}

const MAX_GAP_FILLS = 20;
const WRITTEN_LIMIT = 1_000_000;
/** Documents per upsert call: well within every adapter's batch limits (Azure AI Search: 1000 documents, 16 MB). */
const UPSERT_BATCH = 500;

/**
 * The documents one handler call stages (joining the engine's batch only when the handler
 * succeeds), and the event being applied. One per gap-fill depth, reused from event to event
 * with its callbacks bound once: the per-event path allocates no closures and no async frames.
 */
class Staging implements ProjectionContext {
  /** Staged ids and documents (null = removed) in slots 0..size-1: a handler stages one or two, so a scan beats a Map cleared per event. */
  private readonly ids: string[] = [];
  private readonly docs: Array<SearchDocument | null> = [];
  size = 0;
  duplicate = false;
  /** An event is being applied with this staging (a concurrent apply gets a staging of its own). */
  busy = false;
  event!: StoredEvent;
  handler!: ProjectionHandler;
  depth = 0;
  fills = 0;

  constructor(private readonly engine: ProjectionEngine) {}

  /** Slot by id, once a handler stages many documents (the scan would grow quadratic). */
  private index: Map<string, number> | undefined;

  reset(): void {
    for (let i = 0; i < this.size; i++) this.docs[i] = null;
    this.size = 0;
    this.index = undefined;
    this.duplicate = false;
  }

  /** Calls `fn` for each staged document, in staging order. */
  forEach(fn: (doc: SearchDocument | null, id: string) => void): void {
    for (let i = 0; i < this.size; i++) fn(this.docs[i]!, this.ids[i]!);
  }

  private slot(id: string): number {
    if (this.index) return this.index.get(id) ?? -1;
    for (let i = this.size - 1; i >= 0; i--) if (this.ids[i] === id) return i;
    return -1;
  }

  private stage(id: string, doc: SearchDocument | null): void {
    const i = this.slot(id);
    if (i >= 0) {
      this.docs[i] = doc;
      return;
    }
    this.ids[this.size] = id;
    this.docs[this.size] = doc;
    this.index?.set(id, this.size);
    this.size++;
    if (this.size === 32 && !this.index) this.index = new Map(this.ids.slice(0, this.size).map((x, j) => [x, j]));
  }

  get = (id: string): Promise<SearchDocument | undefined> => {
    const i = this.slot(id);
    if (i >= 0) return Promise.resolve(this.docs[i] ?? undefined);
    return this.engine.read(id);
  };

  peek = (id: string): SearchDocument | undefined | typeof NOT_LOADED => {
    const i = this.slot(id);
    return i >= 0 ? this.docs[i] ?? undefined : this.engine.peek(id);
  };

  put = (doc: SearchDocument): void => {
    this.stage(doc.id, doc);
  };

  remove = (id: string): void => {
    this.stage(id, null);
  };

  onDuplicate = (): void => {
    this.duplicate = true;
  };

  readonly succeeded = (): ApplyOutcome => this.engine.commit(this);
  readonly failed = (err: unknown): Promise<ApplyOutcome> => this.engine.afterFailure(this, err);
}

const IGNORED: Promise<ApplyOutcome> = Promise.resolve('ignored');
/** A staged removal (a value, so that one Map lookup tells staged, removed and unknown apart). */
const REMOVED: unique symbol = Symbol('removed');

export class ProjectionEngine {
  readonly stats: EngineStats = { applied: 0, duplicates: 0, ignored: 0, gapsFilled: 0 };
  /** Documents staged since the last flush (REMOVED = deleted): what the next flush writes. */
  private staged = new Map<string, SearchDocument | typeof REMOVED>();
  /**
   * Fresh index only: the documents the previous flush wrote, kept as objects because the next
   * batch often continues them (a stream spanning two pages, a customer touched on every page).
   */
  private carried = new Map<string, SearchDocument | typeof REMOVED>();
  /**
   * Fresh index only: ids written by earlier flushes. Any other id not staged or carried does
   * not exist (no read); older documents are read back rather than all kept in memory, where
   * every GC cycle would copy them again.
   */
  private readonly written = new Set<string>();
  private readonly stagings: Staging[] = [];
  private readonly stage = (doc: SearchDocument | null, id: string): void => {
    this.staged.set(id, doc ?? REMOVED);
  };

  private fresh: boolean;
  private readonly upcast: Upcast | undefined;

  constructor(
    readonly definition: ProjectionDefinition,
    private readonly search: SearchIndex,
    private readonly store: EventStore,
    readonly index: string,
    /** `true` is short for `{ fresh: true }`. */
    options: boolean | EngineOptions = {},
  ) {
    const o = typeof options === 'boolean' ? { fresh: options } : options;
    this.fresh = o.fresh ?? false;
    this.upcast = o.upcast;
  }

  /**
   * Applies one event (upcast first, when the engine has an upcaster: handlers see the latest
   * version of every event, delivered or read back to fill a gap). An event that cannot be
   * upcast is a PermanentError: dead-lettered live, counted as poison by a rebuild.
   */
  apply(stored: StoredEvent, depth = 0): Promise<ApplyOutcome> {
    const handler = this.definition.handlers[stored.type];
    if (!handler) {
      this.stats.ignored++;
      return IGNORED;
    }
    let event = stored;
    if (this.upcast) {
      try {
        event = this.upcast([stored])[0] ?? stored;
      } catch (err) {
        const failure = isRetryable(err) && err instanceof Error ? err : new PermanentError(`projection ${this.definition.name}: ${(err as Error).message}`, { cause: err });
        return Promise.reject(failure);
      }
    }
    let staging = this.stagings[depth];
    if (!staging || staging.busy) {
      staging = new Staging(this);
      this.stagings[depth] ??= staging;
    }
    staging.busy = true;
    staging.event = event;
    staging.handler = handler;
    staging.depth = depth;
    staging.fills = 0;
    return this.attempt(staging);
  }

  private attempt(staging: Staging): Promise<ApplyOutcome> {
    staging.reset();
    let pending: Promise<unknown>;
    try {
      pending = staging.handler(staging.event, staging);
    } catch (err) {
      return this.afterFailure(staging, err);
    }
    return pending.then(staging.succeeded, staging.failed);
  }

  /** The handler succeeded: its staged documents join the batch. */
  commit(staging: Staging): ApplyOutcome {
    staging.busy = false;
    staging.forEach(this.stage);
    if (staging.size === 0 && staging.duplicate) {
      this.stats.duplicates++;
      return 'duplicate';
    }
    this.stats.applied++;
    return 'applied';
  }

  /** The handler failed: a gap is filled from the store (earlier versions first) and the event retried; anything else is thrown. */
  async afterFailure(staging: Staging, err: unknown): Promise<ApplyOutcome> {
    if (!isProjectionGapError(err) || staging.fills >= MAX_GAP_FILLS || staging.depth > MAX_GAP_FILLS) {
      staging.busy = false;
      throw err;
    }
    try {
      const missing = await this.store.readStream(err.streamId, { fromVersion: err.fromVersion, maxCount: err.toVersion - err.fromVersion + 1 });
      for (const e of missing) await this.apply(e, staging.depth + 1);
    } catch (fillError) {
      staging.busy = false;
      throw fillError;
    }
    this.stats.gapsFilled++;
    staging.fills++;
    return this.attempt(staging);
  }

  /** The document as this engine sees it: staged, carried, else (unless known absent) the index. */
  read(id: string): Promise<SearchDocument | undefined> {
    const known = this.peek(id);
    return known === NOT_LOADED ? this.search.get(this.index, id) : Promise.resolve(known);
  }

  /** The document if known without reading the index (staged, carried, or known absent), else NOT_LOADED. */
  peek(id: string): SearchDocument | undefined | typeof NOT_LOADED {
    // One lookup per map (a removal is a value, not a missing key): this runs for every event.
    const staged = this.staged.get(id);
    if (staged !== undefined) return staged === REMOVED ? undefined : staged;
    if (this.fresh) {
      const carried = this.carried.get(id);
      if (carried !== undefined) return carried === REMOVED ? undefined : carried;
      if (!this.written.has(id)) return undefined;
    }
    return NOT_LOADED;
  }

  /** Writes staged documents; returns the ids written since the previous flush. */
  async flush(): Promise<string[]> {
    const puts: SearchDocument[] = [];
    const deletes: string[] = [];
    for (const [id, doc] of this.staged) {
      if (doc === REMOVED) deletes.push(id);
      else puts.push(serializeDocument(doc));
    }
    for (let i = 0; i < puts.length; i += UPSERT_BATCH) await this.search.upsert(this.index, puts.slice(i, i + UPSERT_BATCH));
    if (deletes.length > 0) await this.search.delete(this.index, deletes);
    const touched = [...this.staged.keys()];
    if (this.fresh) {
      for (const d of puts) this.written.add(d.id);
      for (const id of deletes) this.written.delete(id);
      const previous = this.carried;
      this.carried = this.staged;
      this.staged = previous;
      if (this.written.size > WRITTEN_LIMIT) {
        // Too many ids to remember: read every document through from now on, as live mode does.
        this.fresh = false;
        this.written.clear();
        this.carried.clear();
      }
    }
    this.staged.clear();
    return touched;
  }

  /** Drops staged, unflushed work (a failed delivery is redelivered and re-applied). */
  discard(): void {
    this.staged.clear();
  }
}

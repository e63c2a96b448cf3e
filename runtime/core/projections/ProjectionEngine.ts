/**
 * Applies events to one physical index of a projection: runs the handler for the event type
 * against a staged view of the documents, fills gaps from the event store (ProjectionGapError:
 * earlier versions of a stream are read and applied first), and writes the staged documents
 * in one upsert per flush. Used both by the live runner (flush per delivery) and by rebuilds
 * (flush per page, documents cached because a fresh index holds nothing else).
 */
import type { EventStore } from '../../ports/EventStore';
import type { StoredEvent } from '../../ports/events';
import type { SearchDocument, SearchIndex } from '../../ports/SearchIndex';
import { isProjectionGapError, serializeDocument, type ProjectionContext, type ProjectionDefinition } from './projection';

export interface EngineStats {
  applied: number;
  duplicates: number;
  ignored: number;
  gapsFilled: number;
}

export type ApplyOutcome = 'applied' | 'duplicate' | 'ignored';

const MAX_GAP_FILLS = 20;
const CACHE_LIMIT = 100_000;

export class ProjectionEngine {
  readonly stats: EngineStats = { applied: 0, duplicates: 0, ignored: 0, gapsFilled: 0 };
  /** Documents known in this batch (null = deleted); authoritative for a fresh index. */
  private readonly cache = new Map<string, SearchDocument | null>();
  private readonly dirty = new Set<string>();
  /** Ids written since the last flush (for notifications). */
  private readonly touched = new Set<string>();

  constructor(
    readonly definition: ProjectionDefinition,
    private readonly search: SearchIndex,
    private readonly store: EventStore,
    readonly index: string,
    /** A fresh index (rebuild): documents not in the cache do not exist, no read needed. */
    private fresh = false,
  ) {}

  async apply(event: StoredEvent, depth = 0): Promise<ApplyOutcome> {
    const handler = this.definition.handlers[event.type];
    if (!handler) {
      this.stats.ignored++;
      return 'ignored';
    }
    for (let fills = 0; ; fills++) {
      const staged = new Map<string, SearchDocument | null>();
      let duplicate = false;
      const ctx: ProjectionContext & { onDuplicate(): void } = {
        get: async (id) => (staged.has(id) ? staged.get(id) ?? undefined : this.read(id)),
        put: (doc) => void staged.set(doc.id, doc),
        remove: (id) => void staged.set(id, null),
        onDuplicate: () => {
          duplicate = true;
        },
      };
      try {
        await handler(event, ctx);
      } catch (err) {
        if (!isProjectionGapError(err) || fills >= MAX_GAP_FILLS || depth > MAX_GAP_FILLS) throw err;
        const missing = await this.store.readStream(err.streamId, { fromVersion: err.fromVersion, maxCount: err.toVersion - err.fromVersion + 1 });
        for (const e of missing) await this.apply(e, depth + 1);
        this.stats.gapsFilled++;
        continue;
      }
      for (const [id, doc] of staged) {
        this.cache.set(id, doc);
        this.dirty.add(id);
        this.touched.add(id);
      }
      if (staged.size === 0 && duplicate) {
        this.stats.duplicates++;
        return 'duplicate';
      }
      this.stats.applied++;
      return 'applied';
    }
  }

  private async read(id: string): Promise<SearchDocument | undefined> {
    const cached = this.cache.get(id);
    if (cached !== undefined) return cached ?? undefined;
    if (this.cache.has(id) || this.fresh) return undefined;
    return this.search.get(this.index, id);
  }

  /** Writes staged documents; returns the ids written since the previous flush. */
  async flush(): Promise<string[]> {
    const puts: SearchDocument[] = [];
    const deletes: string[] = [];
    for (const id of this.dirty) {
      const doc = this.cache.get(id);
      if (doc) puts.push(serializeDocument(doc));
      else deletes.push(id);
    }
    for (let i = 0; i < puts.length; i += 500) await this.search.upsert(this.index, puts.slice(i, i + 500));
    if (deletes.length > 0) await this.search.delete(this.index, deletes);
    this.dirty.clear();
    const touched = [...this.touched];
    this.touched.clear();
    if (!this.fresh || this.cache.size > CACHE_LIMIT) {
      // Live mode (other writers may exist) or a cache grown too large: read through from now on.
      this.cache.clear();
      this.fresh = false;
    }
    return touched;
  }

  /** Drops staged, unflushed work (a failed delivery is redelivered and re-applied). */
  discard(): void {
    for (const id of this.dirty) this.cache.delete(id);
    this.dirty.clear();
    this.touched.clear();
  }
}

/**
 * Shadow projections: builds the same read models from the source and from the target store
 * (each into its own scratch SearchIndex, events upcast as the runtime would see them) and
 * diffs the documents. Equal stores give equal read models; a difference is listed by
 * projection and document id.
 */
import type { CheckpointStore } from '../../ports/CheckpointStore';
import type { EventStore } from '../../ports/EventStore';
import type { StoredEvent } from '../../ports/events';
import type { SearchDocument, SearchIndex } from '../../ports/SearchIndex';
import { rebuildProjection, type ProjectionDefinition } from '../projections';
import { canonicalJson } from './hashChain';

export interface Upcaster {
  upcast<E extends StoredEvent>(event: E): E;
}

export interface ProjectionDiff {
  readonly projection: string;
  readonly sourceDocuments: number;
  readonly targetDocuments: number;
  /** Ids missing on one side or with different content (first 20). */
  readonly differing: readonly string[];
  readonly differingCount: number;
}

export interface ShadowOptions {
  readonly projections: readonly ProjectionDefinition[];
  /** A fresh scratch read-model store for one side (e.g. in memory). */
  readonly scratch: () => { search: SearchIndex; checkpoints: CheckpointStore };
  readonly upcaster?: Upcaster;
}

async function documents(search: SearchIndex, index: string): Promise<Map<string, SearchDocument>> {
  const docs = new Map<string, SearchDocument>();
  let cursor: string | undefined;
  do {
    const page = await search.query(index, { limit: 1000, cursor });
    for (const d of page.items) docs.set(d.id, d);
    cursor = page.nextCursor;
  } while (cursor);
  return docs;
}

async function build(def: ProjectionDefinition, store: EventStore, options: ShadowOptions): Promise<Map<string, SearchDocument>> {
  const { search, checkpoints } = options.scratch();
  const upcaster = options.upcaster;
  try {
    const r = await rebuildProjection(def, { store, search, checkpoints, upcast: upcaster && ((events) => events.map((e) => upcaster.upcast(e))) }, { swap: false, index: `shadow_${def.name}` });
    return await documents(search, r.index);
  } finally {
    await search.close();
    await checkpoints.close();
  }
}

export async function shadowProjections(source: EventStore, target: EventStore, options: ShadowOptions): Promise<ProjectionDiff[]> {
  const diffs: ProjectionDiff[] = [];
  for (const def of options.projections) {
    const [a, b] = await Promise.all([build(def, source, options), build(def, target, options)]);
    const ids = new Set([...a.keys(), ...b.keys()]);
    const differing = [...ids].filter((id) => canonicalJson(a.get(id) ?? null) !== canonicalJson(b.get(id) ?? null)).sort();
    diffs.push({ projection: def.name, sourceDocuments: a.size, targetDocuments: b.size, differing: differing.slice(0, 20), differingCount: differing.length });
  }
  return diffs;
}

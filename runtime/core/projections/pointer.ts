/**
 * The index pointer of a projection: the checkpoint `projection:<name>:index` names the
 * physical index that queries and the live runner use. A rebuild fills a fresh physical index
 * and then moves the pointer (compare-and-set), so readers switch in one step.
 */
import type { CheckpointStore } from '../../ports/CheckpointStore';
import { isCheckpointConflictError } from '../../ports/CheckpointStore';
import type { IndexDefinition, SearchIndex } from '../../ports/SearchIndex';

export const pointerName = (projection: string): string => `projection:${projection}:index`;

/** Physical index names are lower-case (OpenSearch requires it) and unique per build. */
export function physicalIndexName(projection: string, suffix: string = Date.now().toString(36) + Math.floor(Math.random() * 1296).toString(36)): string {
  return `${projection.toLowerCase().replace(/[^a-z0-9-]/g, '-')}-${suffix}`;
}

const known = new WeakMap<SearchIndex, Set<string>>();

/** The current physical index of a projection, created (and pointed to) on first use. */
export async function ensureIndex(search: SearchIndex, checkpoints: CheckpointStore, projection: string, definition: IndexDefinition): Promise<string> {
  const current = await checkpoints.get(pointerName(projection));
  if (current) {
    const seen = known.get(search) ?? new Set<string>();
    if (!seen.has(current)) {
      await search.createIndex(current, definition);
      seen.add(current);
      known.set(search, seen);
    }
    return current;
  }
  const name = physicalIndexName(projection);
  await search.createIndex(name, definition);
  try {
    await checkpoints.set(pointerName(projection), name, { current: undefined });
    return name;
  } catch (err) {
    if (!isCheckpointConflictError(err)) throw err;
    await search.dropIndex(name);
    return (await checkpoints.get(pointerName(projection)))!;
  }
}

/** Points the projection at `index`; returns the index it pointed to before. */
export async function swapIndex(checkpoints: CheckpointStore, projection: string, index: string): Promise<string | undefined> {
  for (;;) {
    const before = await checkpoints.get(pointerName(projection));
    try {
      await checkpoints.set(pointerName(projection), index, { current: before });
      return before;
    } catch (err) {
      if (!isCheckpointConflictError(err)) throw err;
    }
  }
}

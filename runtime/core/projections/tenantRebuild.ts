/**
 * Rebuilds one tenant's documents of a projection in the live index (a tenant admin's rebuild,
 * ADR 0128): the tenant's events are built into a scratch index, the tenant's live documents are
 * replaced by the rebuilt ones (other tenants' documents are never read or written), the tenant's
 * events after the build are caught up on both indexes, and verification rounds compare the two
 * to repair documents that a live runner, racing with the replacement, wrote back with stale
 * content. The scratch index is dropped at the end.
 */
import { createHash } from 'node:crypto';
import { InvalidArgumentError } from '../../ports/errors';
import type { SearchDocument, SearchIndex } from '../../ports/SearchIndex';
import { ProjectionEngine } from './ProjectionEngine';
import { APPLIED_FIELD, canonicalJson, indexDefinitionOf, jsonMap, TENANT_FIELD, type ProjectionDefinition } from './projection';
import { ensureIndex, physicalIndexName, pointerName } from './pointer';
import { rebuildProjection, type RebuildDeps, type RebuildProgress } from './rebuild';
import { replay, type ReplayCounts } from './replay';

export interface TenantRebuildOptions {
  readonly tenant: string;
  /** readAll page size; default 2000. */
  readonly pageSize?: number;
  /** Pause before each verification round (lets in-flight live deliveries land); default 500 ms. */
  readonly graceMs?: number;
  /** Verification rounds at most (stops early once nothing differs); default 2. */
  readonly verifyRounds?: number;
  readonly onProgress?: (p: RebuildProgress) => void;
}

export interface TenantRebuildResult {
  readonly tenant: string;
  /** The live index whose tenant documents were replaced. */
  readonly index: string;
  /** Events read (build and catch-ups) and tenant events applied by the build. */
  readonly read: number;
  readonly applied: number;
  readonly poisoned: number;
  /** Live documents written (missing or different), and removed (no longer produced by the tenant's events). */
  readonly upserted: number;
  readonly removed: number;
  /** Tenant events applied to the live index after the build position. */
  readonly caughtUp: number;
  /** Documents the verification rounds rewrote or removed (stale writes of a racing live runner). */
  readonly repaired: number;
  /** Documents still changing (live ahead of the last round): left to the live runner. */
  readonly unsettled: number;
  /** A full rebuild swapped the pointer meanwhile: this work landed in the index it replaced. */
  readonly superseded: boolean;
  readonly durationMs: number;
}

const BATCH = 500;

export async function rebuildTenant(def: ProjectionDefinition, deps: RebuildDeps, options: TenantRebuildOptions): Promise<TenantRebuildResult> {
  const { tenant } = options;
  if (typeof tenant !== 'string' || tenant.length === 0) throw new InvalidArgumentError('tenant', 'a tenant-scoped rebuild needs a tenant');
  const started = Date.now();
  const pageSize = options.pageSize ?? 2000;
  const live = await ensureIndex(deps.search, deps.checkpoints, def.name, indexDefinitionOf(def));
  const scratch = physicalIndexName(def.name, `t${Date.now().toString(36)}${Math.floor(Math.random() * 46656).toString(36)}`);
  try {
    const built = await rebuildProjection(def, deps, { swap: false, tenant, index: scratch, pageSize, onProgress: options.onProgress });
    const replaced = await replaceTenant(deps.search, live, scratch, tenant);
    // From here on both indexes get the same events (one read, two engines), so each round compares them at one position.
    const liveEngine = new ProjectionEngine(def, deps.search, deps.store, live, { upcast: deps.upcast });
    const scratchEngine = new ProjectionEngine(def, deps.search, deps.store, scratch, { upcast: deps.upcast });
    const counts: ReplayCounts = { read: built.read, poisoned: built.poisoned };
    let position = await replay(deps.store, [scratchEngine, liveEngine], counts, { after: built.position, pageSize, tenant });
    let repaired = 0;
    let unsettled = 0;
    let liveOnly = new Map<string, string>();
    for (let round = 0; round < (options.verifyRounds ?? 2); round++) {
      await new Promise((r) => setTimeout(r, options.graceMs ?? 500));
      position = await replay(deps.store, [scratchEngine, liveEngine], counts, { after: position, pageSize, tenant });
      const v = await verify(deps.search, live, scratch, tenant, liveOnly);
      repaired += v.repaired;
      unsettled = v.unsettled;
      liveOnly = v.liveOnly;
      if (v.unsettled === 0) break;
    }
    const superseded = (await deps.checkpoints.get(pointerName(def.name))) !== live;
    return {
      tenant, index: live, read: counts.read, applied: built.applied, poisoned: counts.poisoned, ...replaced,
      caughtUp: liveEngine.stats.applied, repaired, unsettled, superseded, durationMs: Date.now() - started,
    };
  } finally {
    await deps.search.dropIndex(scratch).catch(() => undefined);
  }
}

/** The tenant's documents of an index, in the index's order, page by page. */
async function* tenantDocuments(search: SearchIndex, index: string, tenant: string): AsyncGenerator<SearchDocument> {
  let cursor: string | undefined;
  do {
    const page = await search.query(index, { filters: [{ field: TENANT_FIELD.name, op: 'eq', value: tenant }], limit: 1000, cursor });
    yield* page.items;
    cursor = page.nextCursor;
  } while (cursor);
}

const fingerprint = (doc: SearchDocument): string => createHash('sha1').update(canonicalJson(doc)).digest('base64');

/** Live documents of the tenant become the scratch ones: equal ones untouched, the rest written, extra ones removed. */
async function replaceTenant(search: SearchIndex, live: string, scratch: string, tenant: string): Promise<{ upserted: number; removed: number }> {
  // Rebuilt documents by id (a fingerprint, not the document: a tenant may have many).
  const pending = new Map<string, string>();
  for await (const d of tenantDocuments(search, scratch, tenant)) pending.set(d.id, fingerprint(d));
  const removals: string[] = [];
  let removed = 0;
  for await (const d of tenantDocuments(search, live, tenant)) {
    const rebuilt = pending.get(d.id);
    if (rebuilt === undefined) removals.push(d.id);
    else if (rebuilt === fingerprint(d)) pending.delete(d.id);
    if (removals.length >= BATCH) removed += await remove(search, live, removals.splice(0));
  }
  removed += await remove(search, live, removals);
  const upserted = await copy(search, scratch, live, tenant, pending);
  return { upserted, removed };
}

async function remove(search: SearchIndex, index: string, ids: readonly string[]): Promise<number> {
  if (ids.length > 0) await search.delete(index, ids);
  return ids.length;
}

/** Copies the scratch documents named in `ids` to the live index, refusing to overwrite another tenant's document. */
async function copy(search: SearchIndex, scratch: string, live: string, tenant: string, ids: ReadonlyMap<string, unknown>): Promise<number> {
  if (ids.size === 0) return 0;
  let batch: SearchDocument[] = [];
  let copied = 0;
  const flush = async (): Promise<void> => {
    if (batch.length > 0) await search.upsert(live, batch);
    copied += batch.length;
    batch = [];
  };
  for await (const d of tenantDocuments(search, scratch, tenant)) {
    if (!ids.has(d.id)) continue;
    const existing = await search.get(live, d.id);
    if (existing && existing[TENANT_FIELD.name] !== tenant) {
      throw new InvalidArgumentError('tenant', `document ${d.id} of ${live} belongs to tenant ${String(existing[TENANT_FIELD.name])}, not ${tenant}: a tenant-scoped rebuild needs tenant-qualified document ids`);
    }
    batch.push(d);
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  return copied;
}

/** The stored bookkeeping (canonical JSON text): equal text, equal applied versions. */
const appliedText = (d: SearchDocument): string => canonicalJson(jsonMap<number>(d, APPLIED_FIELD.name));

/** Stream → version: `a` has applied nothing that `b` has not (a is behind or equal). */
function notAhead(a: SearchDocument, b: SearchDocument): boolean {
  const bv = jsonMap<number>(b, APPLIED_FIELD.name);
  return Object.entries(jsonMap<number>(a, APPLIED_FIELD.name)).every(([stream, v]) => (bv[stream] ?? 0) >= v);
}

/**
 * One verification round, both indexes at the same position. A live document that differs from
 * the scratch one without being ahead of it (equal or lower applied versions) was overwritten
 * with stale content: the scratch copy is written back. A live document ahead is still being
 * changed (unsettled, seen again next round). A live-only document seen live-only, unchanged, in
 * the previous round too is stale (no event up to this position produces it): removed.
 */
async function verify(search: SearchIndex, live: string, scratch: string, tenant: string, liveOnlyBefore: ReadonlyMap<string, string>): Promise<{ repaired: number; unsettled: number; liveOnly: Map<string, string> }> {
  const rebuilt = new Map<string, { print: string; applied: string }>();
  for await (const d of tenantDocuments(search, scratch, tenant)) rebuilt.set(d.id, { print: fingerprint(d), applied: appliedText(d) });
  const repairs = new Map<string, true>();
  const stale: string[] = [];
  const liveOnly = new Map<string, string>();
  let unsettled = 0;
  for await (const d of tenantDocuments(search, live, tenant)) {
    const r = rebuilt.get(d.id);
    const applied = appliedText(d);
    if (!r) {
      if (liveOnlyBefore.get(d.id) === applied) stale.push(d.id);
      else {
        liveOnly.set(d.id, applied);
        unsettled++;
      }
      continue;
    }
    rebuilt.delete(d.id);
    if (r.print === fingerprint(d)) continue;
    if (notAhead(d, { id: d.id, [APPLIED_FIELD.name]: r.applied })) repairs.set(d.id, true);
    else unsettled++;
  }
  // Rebuilt but absent live: removed by an event the live runner applied after this position.
  unsettled += rebuilt.size;
  const removed = await remove(search, live, stale);
  const copied = await copy(search, scratch, live, tenant, repairs);
  return { repaired: removed + copied, unsettled, liveOnly };
}

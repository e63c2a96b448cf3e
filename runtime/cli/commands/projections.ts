/**
 * `nexus projections list|rebuild <name> [--tenant <t>]`: rebuild reads every event through
 * readAll into a fresh index and swaps the pointer (with --tenant: rebuilds that tenant's
 * documents in the live index only), showing a progress bar with throughput and ETA (the total
 * comes from a quick counting pass over the log).
 */
import { SingleBar, Presets } from 'cli-progress';
import type { Command } from 'commander';
import type { EventStore } from '../../ports/EventStore';
import { readOnlyEventStore } from '../../core/guards';
import {
  currentIndex, rebuildProjection, rebuildTenant, type ProjectionDefinition, type RebuildProgress, type RebuildResult, type TenantRebuildResult, type Upcast,
} from '../../core/projections';
import { registryUpcasters } from '../../core/schema/upcasters';
import type { RuntimeAdapters } from '../../createRuntime';
import { orderProjections } from '../../../examples/orders/projections';
import { stackOptions, withRuntime, type StackOptions } from './readSideRuntime';

/** The projections this runtime knows (the Orders example's). */
export const PROJECTIONS: readonly ProjectionDefinition[] = orderProjections;

export async function countEvents(store: EventStore): Promise<number> {
  let n = 0;
  let after: string | undefined;
  for (;;) {
    const page = await store.readAll({ after, limit: 10_000 });
    n += page.events.length;
    if (page.isEnd || page.events.length === 0) return n;
    after = page.checkpoint;
  }
}

/**
 * What the runtime's projections see: every event upcast to the latest version of its type, with
 * the chain built from the stack's registry (as the governed pipeline builds it) for the event
 * types the projection handles.
 */
export async function projectionUpcast(rt: RuntimeAdapters, def: ProjectionDefinition): Promise<Upcast> {
  const chain = await registryUpcasters(rt.registry, [], { eventTypes: Object.keys(def.handlers) });
  return (events) => chain.upcastAll(events);
}

export interface RebuildCliOptions extends StackOptions {
  readonly progress?: boolean;
  /** Rebuild only this tenant's documents, in place (as the HTTP admin route does); default: all, into a fresh index, then swap. */
  readonly tenant?: string;
}

function findProjection(name: string): ProjectionDefinition {
  const def = PROJECTIONS.find((p) => p.name === name);
  if (!def) throw new Error(`projection ${name} is not known; expected one of ${PROJECTIONS.map((p) => p.name).join(', ')}`);
  return def;
}

/** A progress bar over the whole log (a tenant's rebuild reads it all too), or nothing with --no-progress. */
async function progressBar(rt: RuntimeAdapters, label: string, options: RebuildCliOptions): Promise<{ onProgress: (p: RebuildProgress) => void; stop(): void }> {
  const total = await countEvents(rt.eventStore);
  const bar = options.progress === false ? undefined : new SingleBar({
    format: `rebuild ${label} |{bar}| {percentage}% | {value}/{total} events | {speed} events/s | ETA {eta_formatted}`,
    etaBuffer: 20, fps: 10,
  }, Presets.shades_classic);
  bar?.start(total, 0, { speed: 0 });
  return {
    onProgress: (p) => bar?.update(Math.min(p.read, Math.max(total, p.read)), { speed: Math.round(p.read / Math.max(0.001, p.elapsedMs / 1000)) }),
    stop: () => bar?.stop(),
  };
}

const rateOf = (read: number, ms: number): number => Math.round(read / Math.max(0.001, ms / 1000));

/** Full rebuild: every tenant, into a fresh index, then swap (an operator with store access). */
export async function runRebuild(name: string, options: RebuildCliOptions, out: (line: string) => void = console.log): Promise<RebuildResult> {
  const def = findProjection(name);
  return withRuntime(options, async (rt) => {
    const bar = await progressBar(rt, name, options);
    const upcast = await projectionUpcast(rt, def);
    const result = await rebuildProjection(def, { store: readOnlyEventStore(rt.eventStore, `projection rebuild ${def.name}`), search: rt.search, checkpoints: rt.checkpoints, upcast }, {
      onProgress: bar.onProgress,
    });
    bar.stop();
    out(`rebuilt ${name}: ${result.read} events read, ${result.applied} applied, ${result.poisoned} poison skipped in ${result.durationMs} ms (${rateOf(result.read, result.durationMs)} events/s); index ${result.previousIndex ?? '(none)'} -> ${result.index}`);
    return result;
  });
}

/** `--tenant <t>`: that tenant's documents rebuilt in the live index; other tenants untouched (ADR 0128). */
export async function runTenantRebuild(name: string, options: RebuildCliOptions & { readonly tenant: string }, out: (line: string) => void = console.log): Promise<TenantRebuildResult> {
  const def = findProjection(name);
  return withRuntime(options, async (rt) => {
    const bar = await progressBar(rt, `${name} (tenant ${options.tenant})`, options);
    const upcast = await projectionUpcast(rt, def);
    const r = await rebuildTenant(def, { store: readOnlyEventStore(rt.eventStore, `projection rebuild ${def.name}`), search: rt.search, checkpoints: rt.checkpoints, upcast }, {
      tenant: options.tenant, onProgress: bar.onProgress,
    });
    bar.stop();
    out(`rebuilt ${name} for tenant ${r.tenant}: ${r.read} events read, ${r.applied} applied, ${r.poisoned} poison skipped; ${r.upserted} documents written, ${r.removed} removed, `
      + `${r.caughtUp} caught up, ${r.repaired} repaired, ${r.unsettled} unsettled in ${r.durationMs} ms (${rateOf(r.read, r.durationMs)} events/s); index ${r.index}${r.superseded ? ' (replaced by a full rebuild meanwhile)' : ''}`);
    return r;
  });
}

export async function runList(options: StackOptions, out: (line: string) => void = console.log): Promise<void> {
  await withRuntime(options, async (rt) => {
    for (const p of PROJECTIONS) out(`${p.name}\tindex=${(await currentIndex(rt.checkpoints, p.name)) ?? '(not built)'}\tevents=${Object.keys(p.handlers).join(',')}`);
  });
}

export function register(program: Command): void {
  const cmd = program.command('projections').description('Inspect and rebuild projections (read models)');
  stackOptions(cmd.command('list').description('List projections and their current index')).action(async (o: StackOptions) => runList(o));
  stackOptions(cmd.command('rebuild <name>').description('Rebuild a projection from the event store into a fresh index, then swap (--tenant: one tenant, in place)'))
    .option('--tenant <tenant>', "rebuild only this tenant's documents in the live index; other tenants untouched")
    .option('--no-progress', 'no progress bar (CI logs)')
    .action(async (name: string, o: RebuildCliOptions) => {
      if (o.tenant !== undefined) await runTenantRebuild(name, { ...o, tenant: o.tenant });
      else await runRebuild(name, o);
    });
}

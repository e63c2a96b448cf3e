/**
 * Resolves a `--from`/`--to` argument of `nexus migrate` to a manifest (a manifest JSON file,
 * `local[:<dir>]`, or a Pulumi stack's `manifest` output) and opens the stores a migration needs
 * through the adapter factories: event store (target clock = ReplayClock, so imports keep their
 * original recordedAt), snapshot store, checkpoint store, and the importer.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { localManifest, type NexusManifest } from '../../manifest';
import { parseManifest } from '../../manifestValidation';
import { KIND_MODULES, loadAdapterModule, type AdapterModuleName } from '../../adapters/registry';
import type { AdapterContext } from '../../adapters/types';
import { randomIds, type CheckpointStore, type EventStore, type SnapshotStore } from '../../ports';
import { isEventImporter } from '../../ports/EventImport';
import { AppendImporter, ReplayClock, canonicalJson, type MigrationTarget } from '../../core/migration';

export function resolveManifest(arg: string): NexusManifest {
  if (arg === 'local' || arg.startsWith('local:')) return localManifest(arg.slice('local:'.length) || '.nexus');
  if (arg.endsWith('.json') || existsSync(arg)) {
    if (!existsSync(arg)) throw new Error(`manifest file ${arg} not found`);
    return parseManifest(JSON.parse(readFileSync(arg, 'utf8')) as unknown);
  }
  // A stack name: its `manifest` output, as `pulumi up` exported it.
  const out = spawnSync('pulumi', ['stack', 'output', 'manifest', '--json', '--show-secrets', '--stack', arg], { encoding: 'utf8' });
  if (out.error || out.status !== 0) {
    throw new Error(`stack ${arg}: could not read its manifest output with the Pulumi CLI (${out.error?.message ?? out.stderr.trim()}); `
      + 'pass a manifest file instead (pulumi stack output manifest --json > manifest.json)');
  }
  return parseManifest(JSON.parse(out.stdout) as unknown);
}

/** Checkpoint name of a source → target pair: stable across runs, distinct per source store. */
export function checkpointNameFor(source: NexusManifest): string {
  return `migration:${source.cloud}:${createHash('sha256').update(canonicalJson(source.eventStore)).digest('hex').slice(0, 16)}`;
}

export interface OpenedSide extends MigrationTarget {
  readonly manifest: NexusManifest;
  close(): Promise<void>;
}

type Factory<T> = (config: unknown, ctx: AdapterContext) => Promise<T>;

/** Opens the stores of the manifest's eventStore section; secrets are read from `secrets` by name. */
export async function openSide(manifest: NexusManifest, secrets: Readonly<Record<string, string | undefined>>): Promise<OpenedSide> {
  const kind = manifest.eventStore.kind;
  const module = (KIND_MODULES.eventStore as Record<string, AdapterModuleName>)[kind];
  if (!module) throw new Error(`manifest ${manifest.stack}: eventStore kind "${kind}" is not known`);
  const factories = await loadAdapterModule(module);
  const pick = <T>(port: 'eventStore' | 'snapshotStore' | 'checkpointStore'): Factory<T> => {
    const f = (factories[port] as Record<string, Factory<T> | undefined> | undefined)?.[kind];
    if (!f) throw new Error(`manifest ${manifest.stack}: the ${module} adapters have no ${port} for kind "${kind}" yet`);
    return f;
  };
  const clock = new ReplayClock();
  const ctx: AdapterContext = { clock, ids: randomIds, secrets };
  const events = await pick<EventStore>('eventStore')(manifest.eventStore, ctx);
  const snapshots = await pick<SnapshotStore>('snapshotStore')(manifest.eventStore, ctx);
  const checkpoints = await pick<CheckpointStore>('checkpointStore')(manifest.eventStore, ctx);
  const importer = isEventImporter(events) ? events : new AppendImporter(events, clock);
  return {
    manifest, events, snapshots, checkpoints, importer,
    close: async () => {
      await Promise.allSettled([events.close(), snapshots.close(), checkpoints.close()]);
    },
  };
}

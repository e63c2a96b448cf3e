/**
 * One migration run, store-agnostic (the CLI and the tests hand in the two sides):
 * dry run (counts, upcasts, what the target already holds) or copy → snapshots → verify →
 * optional shadow projections. `ok` is false on any difference.
 */
import type { CheckpointStore } from '../../ports/CheckpointStore';
import type { EventStore } from '../../ports/EventStore';
import type { EventImporter } from '../../ports/EventImport';
import type { SnapshotStore } from '../../ports/SnapshotStore';
import { copyEvents, copySnapshots, type CopyOptions, type CopyResult } from './copyEvents';
import { inventory, type UpcastInfo } from './inventory';
import { shadowProjections, type ProjectionDiff, type ShadowOptions, type Upcaster } from './shadowProjections';
import { verifyMigration, type VerificationReport } from './verify';

export interface MigrationSide {
  readonly events: EventStore;
  readonly snapshots?: SnapshotStore;
}
export interface MigrationTarget extends MigrationSide {
  readonly importer: EventImporter;
  /** Holds the copy checkpoint. */
  readonly checkpoints: CheckpointStore;
}

export interface DryRunReport {
  readonly source: { readonly streams: number; readonly events: number };
  readonly target: { readonly streams: number; readonly events: number };
  /** Source streams the target already holds completely (same hash). */
  readonly alreadyCopied: number;
  readonly byTypeVersion: ReadonlyArray<[string, number]>;
  readonly upcasts: ReadonlyArray<[string, number]>;
  readonly resumeFrom: string | undefined;
}

export async function dryRun(source: MigrationSide, target: MigrationTarget, checkpointName: string, upcasters?: UpcastInfo): Promise<DryRunReport> {
  const [s, t] = await Promise.all([inventory(source.events, { upcasters }), inventory(target.events)]);
  const alreadyCopied = [...s.streams].filter(([id, f]) => t.streams.get(id)?.hash === f.hash).length;
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  return {
    source: { streams: s.streams.size, events: s.events },
    target: { streams: t.streams.size, events: t.events },
    alreadyCopied,
    byTypeVersion: sorted(s.byTypeVersion),
    upcasts: sorted(s.upcasts),
    resumeFrom: await target.checkpoints.get(checkpointName),
  };
}

export interface MigrationOptions extends CopyOptions {
  /** Build these read models on both sides and diff them. */
  readonly shadow?: ShadowOptions;
  /** Called once with the number of source events before the copy (for progress/ETA). */
  readonly onTotal?: (events: number) => void;
}

export interface MigrationResult {
  readonly copy: CopyResult;
  readonly snapshotsCopied: number;
  readonly verification: VerificationReport;
  readonly projections?: readonly ProjectionDiff[];
  readonly ok: boolean;
}

export async function runMigration(source: MigrationSide, target: MigrationTarget, options: MigrationOptions): Promise<MigrationResult> {
  if (options.onTotal) options.onTotal((await inventory(source.events)).events);
  const copy = await copyEvents(source.events, target.importer, target.checkpoints, options);
  const sourceInventory = await inventory(source.events);
  const snapshotsCopied = source.snapshots && target.snapshots
    ? await copySnapshots(sourceInventory.streams.keys(), source.snapshots, target.snapshots)
    : 0;
  const verification = await verifyMigration(source, target, { source: sourceInventory });
  const projections = options.shadow ? await shadowProjections(source.events, target.events, options.shadow) : undefined;
  const ok = verification.ok && (projections ?? []).every((p) => p.differingCount === 0 && p.sourceDocuments === p.targetDocuments);
  return { copy, snapshotsCopied, verification, projections, ok };
}

export type { Upcaster };

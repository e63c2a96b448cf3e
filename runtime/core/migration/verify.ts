/**
 * Verification of a migration: both stores' inventories compared stream by stream (event count,
 * last version, hash chain), plus the latest snapshot of every stream. The report lists every
 * stream that differs; `ok` is false on any difference (the CLI exits non-zero).
 */
import type { EventStore } from '../../ports/EventStore';
import type { SnapshotStore } from '../../ports/SnapshotStore';
import { canonicalJson } from './hashChain';
import { inventory, type StoreInventory } from './inventory';

export interface StreamDifference {
  readonly streamId: string;
  readonly reason: 'missing in target' | 'extra in target' | 'count differs' | 'hash differs' | 'not contiguous' | 'snapshot differs';
  readonly source?: { readonly count: number; readonly hash: string };
  readonly target?: { readonly count: number; readonly hash: string };
}

export interface VerificationReport {
  readonly ok: boolean;
  readonly source: { readonly streams: number; readonly events: number };
  readonly target: { readonly streams: number; readonly events: number };
  readonly snapshotsCompared: number;
  readonly differences: readonly StreamDifference[];
}

export interface VerifySide {
  readonly events: EventStore;
  readonly snapshots?: SnapshotStore;
}

export function compareInventories(source: StoreInventory, target: StoreInventory): StreamDifference[] {
  const diffs: StreamDifference[] = [];
  const side = (f: { count: number; hash: string } | undefined) => f && { count: f.count, hash: f.hash };
  for (const [streamId, s] of source.streams) {
    const t = target.streams.get(streamId);
    const base = { streamId, source: side(s), target: side(t) };
    if (!t) diffs.push({ ...base, reason: 'missing in target' });
    else if (!t.contiguous || !s.contiguous) diffs.push({ ...base, reason: 'not contiguous' });
    else if (t.count !== s.count) diffs.push({ ...base, reason: 'count differs' });
    else if (t.hash !== s.hash) diffs.push({ ...base, reason: 'hash differs' });
  }
  for (const [streamId, t] of target.streams) {
    if (!source.streams.has(streamId)) diffs.push({ streamId, reason: 'extra in target', target: side(t) });
  }
  return diffs.sort((a, b) => (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0));
}

/** Latest snapshot of each stream on both sides, compared field by field (state canonically). */
async function compareSnapshots(streamIds: readonly string[], source: SnapshotStore, target: SnapshotStore): Promise<StreamDifference[]> {
  const diffs: StreamDifference[] = [];
  for (const streamId of streamIds) {
    const [a, b] = await Promise.all([source.load(streamId), target.load(streamId)]);
    if (canonicalJson(a ?? null) !== canonicalJson(b ?? null)) diffs.push({ streamId, reason: 'snapshot differs' });
  }
  return diffs;
}

export async function verifyMigration(source: VerifySide, target: VerifySide, pre?: { source?: StoreInventory }): Promise<VerificationReport> {
  const [s, t] = await Promise.all([pre?.source ?? inventory(source.events), inventory(target.events)]);
  const differences = compareInventories(s, t);
  let snapshotsCompared = 0;
  if (source.snapshots && target.snapshots) {
    const ids = [...s.streams.keys()];
    differences.push(...(await compareSnapshots(ids, source.snapshots, target.snapshots)));
    snapshotsCompared = ids.length;
  }
  return {
    ok: differences.length === 0,
    source: { streams: s.streams.size, events: s.events },
    target: { streams: t.streams.size, events: t.events },
    snapshotsCompared,
    differences,
  };
}

export function formatReport(r: VerificationReport, maxLines = 50): string[] {
  const lines = [
    `verification: ${r.ok ? 'OK' : 'DIFFERENCES FOUND'}`,
    `  source: ${r.source.streams} streams, ${r.source.events} events`,
    `  target: ${r.target.streams} streams, ${r.target.events} events`,
    `  snapshots compared: ${r.snapshotsCompared}`,
  ];
  for (const d of r.differences.slice(0, maxLines)) {
    lines.push(`  DIFF ${d.streamId}: ${d.reason} (source ${d.source ? `${d.source.count} events ${d.source.hash.slice(0, 12)}` : '-'}, target ${d.target ? `${d.target.count} events ${d.target.hash.slice(0, 12)}` : '-'})`);
  }
  if (r.differences.length > maxLines) lines.push(`  … and ${r.differences.length - maxLines} more differing streams`);
  return lines;
}

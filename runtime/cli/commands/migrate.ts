/**
 * `nexus migrate --from <manifest.json|local[:dir]|stack> --to <…>`: copies every stream with its
 * versions, event ids, recordedAt and metadata (plus the latest snapshot of each stream), resumable
 * from a checkpoint kept in the target, idempotent, throttled (--rate), with a progress bar; then
 * verifies both sides stream by stream (count + hash chain) and, with --shadow-projections,
 * builds the Orders read models on both sides and diffs them. Exits 2 on any difference.
 * `--dry-run` only reports counts, what the target already holds and the upcasts that would apply.
 */
import { Presets, SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { dryRun, formatReport, runMigration, type MigrationResult, type Upcaster } from '../../core/migration';
import { schemaUpcasters } from '../../core/schema/upcasters';
import { loadSchemaDir } from '../../core/schema/schemaFiles';
import { InMemoryCheckpointStore } from '../../adapters/local/InMemoryCheckpointStore';
import { InMemorySearchIndex } from '../../adapters/local/InMemorySearchIndex';
import { orderProjections } from '../../../examples/orders/projections';
import { checkpointNameFor, openSide, resolveManifest } from '../migrate/openSide';

export interface MigrateCliOptions {
  readonly from: string;
  readonly to: string;
  readonly dryRun?: boolean;
  readonly rate?: string;
  readonly pageSize?: string;
  readonly concurrency?: string;
  readonly checkpoint?: string;
  readonly shadowProjections?: boolean;
  readonly schemas?: string;
  readonly progress?: boolean;
  readonly json?: boolean;
}

/** Exit code of a migration whose verification found a difference. */
export const EXIT_DIFFERENCES = 2;

function intOption(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name}: expected an integer >= 0, got ${value}`);
  return n;
}

function upcasterFrom(dir: string, out: (line: string) => void): (Upcaster & { latestVersion(t: string): number | undefined }) | undefined {
  try {
    return schemaUpcasters(loadSchemaDir(dir));
  } catch (err) {
    out(`note: no upcasters (schemas in ${dir} unreadable: ${(err as Error).message})`);
    return undefined;
  }
}

/** Runs the command; returns the process exit code (0 clean, 2 differences). */
export async function runMigrate(o: MigrateCliOptions, out: (line: string) => void = console.log, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const fromManifest = resolveManifest(o.from);
  const toManifest = resolveManifest(o.to);
  const checkpointName = o.checkpoint ?? checkpointNameFor(fromManifest);
  const upcaster = upcasterFrom(o.schemas ?? 'schemas', out);
  const source = await openSide(fromManifest, env);
  try {
    const target = await openSide(toManifest, env);
    try {
      if (o.dryRun) {
        const r = await dryRun(source, target, checkpointName, upcaster);
        if (o.json) out(JSON.stringify(r, null, 2));
        else {
          out(`dry run ${fromManifest.stack} (${fromManifest.eventStore.kind}) -> ${toManifest.stack} (${toManifest.eventStore.kind})`);
          out(`  source: ${r.source.streams} streams, ${r.source.events} events; target: ${r.target.streams} streams, ${r.target.events} events`);
          out(`  already copied (same hash): ${r.alreadyCopied} streams; checkpoint ${checkpointName}: ${r.resumeFrom ?? '(none: starts at the beginning)'}`);
          for (const [k, n] of r.byTypeVersion) out(`  ${k}: ${n}`);
          out(r.upcasts.length === 0 ? '  upcasts on read: none' : '  upcasts that would apply on read (stored as is, upcast by readers):');
          for (const [k, n] of r.upcasts) out(`    ${k}: ${n} events`);
        }
        return 0;
      }
      const bar = o.progress === false || o.json ? undefined : new SingleBar({
        format: 'migrate |{bar}| {percentage}% | {value}/{total} events | {speed} events/s | ETA {eta_formatted}', etaBuffer: 50, fps: 5,
      }, Presets.shades_classic);
      const result: MigrationResult = await runMigration(source, target, {
        checkpointName,
        ratePerSecond: intOption('rate', o.rate, 0),
        pageSize: intOption('page-size', o.pageSize, 500),
        concurrency: intOption('concurrency', o.concurrency, 4),
        onTotal: (total) => bar?.start(total, 0, { speed: 0 }),
        onProgress: (p) => bar?.update(p.read, { speed: Math.round(p.read / Math.max(0.001, p.elapsedMs / 1000)) }),
        shadow: o.shadowProjections
          ? { projections: orderProjections, upcaster, scratch: () => ({ search: new InMemorySearchIndex(), checkpoints: new InMemoryCheckpointStore() }) }
          : undefined,
      });
      bar?.stop();
      if (o.json) out(JSON.stringify(result, null, 2));
      else {
        const c = result.copy;
        const rate = Math.round(c.read / Math.max(0.001, c.elapsedMs / 1000));
        out(`copied ${c.imported} events (${c.skipped} already present) in ${c.elapsedMs} ms (${rate} events/s)${c.resumedFrom ? `, resumed from ${c.resumedFrom}` : ''}; ${result.snapshotsCopied} snapshots`);
        for (const line of formatReport(result.verification)) out(line);
        for (const p of result.projections ?? []) {
          out(`  projection ${p.projection}: source ${p.sourceDocuments} docs, target ${p.targetDocuments} docs, ${p.differingCount} differing${p.differing.length ? ` (${p.differing.join(', ')})` : ''}`);
        }
      }
      return result.ok ? 0 : EXIT_DIFFERENCES;
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}

export function register(program: Command): void {
  program.command('migrate')
    .description('Copy an event store to another stack (versions, ids, times, metadata kept), verify it, diff read models')
    .requiredOption('--from <source>', 'source: manifest JSON file, local[:<dir>], or a Pulumi stack name')
    .requiredOption('--to <target>', 'target: manifest JSON file, local[:<dir>], or a Pulumi stack name')
    .option('--dry-run', 'report counts, what the target already holds and the upcasts that would apply; copy nothing')
    .option('--rate <events/s>', 'max events per second read from the source (0 = unlimited)', '0')
    .option('--page-size <n>', 'readAll page size (one checkpoint per page)', '500')
    .option('--concurrency <n>', 'streams imported at once', '4')
    .option('--checkpoint <name>', 'checkpoint name in the target (default: derived from the source store)')
    .option('--shadow-projections', 'build the Orders read models from both sides and diff them')
    .option('--schemas <dir>', 'schemas directory for upcasters (dry run, shadow projections)', 'schemas')
    .option('--no-progress', 'no progress bar')
    .option('--json', 'print the report as JSON')
    .action(async (o: MigrateCliOptions) => {
      const code = await runMigrate(o);
      if (code !== 0) process.exitCode = code;
    });
}

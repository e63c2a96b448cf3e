/**
 * `nexus schemas check|register` and `nexus registry serve`.
 *   schemas check      every version of schemas/ compatible with the earlier ones under its
 *                      subject's mode; with --registry, against the versions registered there;
 *                      with --against <git-ref>, against the files committed at that ref.
 *                      Exits 1 naming the file, field and rule on any incompatible change.
 *   schemas register   registers new versions of schemas/ in a registry (compatibility enforced).
 *   registry serve     the Confluent-compatible API on its own port (local SQLite registry).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { SchemaRegistry } from '../../ports/SchemaRegistry';
import { isSchemaNotFoundError } from '../../ports/SchemaRegistry';
import type { NexusManifest } from '../../manifest';
import { LocalSchemaRegistry } from '../../adapters/local/LocalSchemaRegistry';
import { KIND_MODULES, loadAdapterModule } from '../../adapters/registry';
import { randomIds, systemClock } from '../../ports';
import { loadSchemaDir, parseSchemaSet, REGISTRY_CONFIG_FILE, type SchemaFile, type SchemaSet } from '../../core/schema/schemaFiles';
import { baselineFromSet, checkSchemas, formatVerdicts, isFailure, type Baseline } from '../../core/schema/schemaCheck';
import { startRegistryServer } from '../../http/registry/server';

/** Non-zero exit without a stack trace: main.ts prints the message and uses exitCode. */
class CliFailure extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

function git(dir: string, args: string[]): string {
  return execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
}

/** The schema files as committed at `ref` (read with `git ls-tree` + `git show`). */
export function schemaSetAtRef(dir: string, ref: string): SchemaSet {
  let listing: string;
  try {
    listing = git(dir, ['ls-tree', '-r', '--name-only', ref, '--', '.']);
  } catch (err) {
    throw new CliFailure(`--against ${ref}: git cannot read ${dir} at that ref: ${String((err as { stderr?: string }).stderr ?? (err as Error).message).trim()}`);
  }
  // ls-tree prints paths relative to `dir` when run inside it.
  const paths = listing.split('\n').filter((p) => p.length > 0);
  const files: SchemaFile[] = paths.filter((p) => p.endsWith('.avsc')).map((p) => ({ path: p, text: git(dir, ['show', `${ref}:./${p}`]) }));
  const config = paths.includes(REGISTRY_CONFIG_FILE) ? git(dir, ['show', `${ref}:./${REGISTRY_CONFIG_FILE}`]) : undefined;
  return parseSchemaSet(files, config);
}

/** A registry from `--registry`: a manifest JSON file (any adapter kind) or a local SQLite path. */
export async function openRegistry(spec: string): Promise<SchemaRegistry> {
  if (!spec.endsWith('.json')) return LocalSchemaRegistry.open({ path: spec });
  const manifest = JSON.parse(readFileSync(spec, 'utf8')) as NexusManifest;
  const kind = manifest.registry.kind;
  const module = (KIND_MODULES.registry as Record<string, 'local' | 'aws' | 'gcp' | 'azure' | 'selfhosted'>)[kind];
  if (!module) throw new CliFailure(`${spec}: registry kind "${kind}" is not known`);
  const factory = (await loadAdapterModule(module)).registry as Record<string, ((c: unknown, ctx: unknown) => Promise<SchemaRegistry>) | undefined> | undefined;
  const open = factory?.[kind];
  if (!open) throw new CliFailure(`${spec}: no registry adapter is installed for kind "${kind}"`);
  return open(manifest.registry, { clock: systemClock, ids: randomIds, secrets: {} });
}

/** Everything a registry holds, as a baseline. */
export async function baselineFromRegistry(name: string, registry: SchemaRegistry): Promise<Baseline> {
  const subjects = new Map<string, Array<{ version: number; schema: string }>>();
  for (const subject of await registry.subjects()) {
    const versions = await registry.versions(subject).catch((err: unknown) => {
      if (isSchemaNotFoundError(err)) return [] as number[];
      throw err;
    });
    subjects.set(subject, await Promise.all(versions.map(async (version) => ({ version, schema: (await registry.get(subject, version)).schema }))));
  }
  return { name, subjects };
}

interface CheckOptions { dir: string; against?: string; registry?: string }

export async function runSchemasCheck(options: CheckOptions, out: (line: string) => void = console.log): Promise<boolean> {
  const set = loadSchemaDir(options.dir);
  let baseline: Baseline | undefined;
  if (options.against) baseline = baselineFromSet(`git ${options.against}`, schemaSetAtRef(options.dir, options.against));
  if (options.registry) {
    const registry = await openRegistry(options.registry);
    try {
      baseline = await baselineFromRegistry(`registry ${options.registry}`, registry);
    } finally {
      await registry.close();
    }
  }
  const verdicts = checkSchemas(set, baseline);
  out(formatVerdicts(verdicts, baseline));
  return !verdicts.some(isFailure);
}

export async function runSchemasRegister(options: { dir: string; registry: string }, out: (line: string) => void = console.log): Promise<void> {
  const set = loadSchemaDir(options.dir);
  const registry = await openRegistry(options.registry);
  try {
    for (const files of set.subjects.values()) {
      const before = await registry.versions(files.subject).catch(() => [] as number[]);
      if (files.compatibility) await registry.setCompatibility(files.compatibility, files.subject);
      for (const file of files.versions) {
        const r = await registry.register(files.subject, file.schema);
        const fresh = !before.includes(r.version);
        out(`${fresh ? 'registered' : 'unchanged '} ${files.subject} v${r.version} (id ${r.id}) from schemas/${file.path}`);
      }
    }
  } finally {
    await registry.close();
  }
}

export function register(program: Command): void {
  const schemas = program.command('schemas').description('Event schemas in schemas/: compatibility checks and registration');
  schemas.command('check')
    .description('check every subject in schemas/ for compatible evolution; exit 1 on an incompatible change')
    .option('--dir <dir>', 'schemas directory', 'schemas')
    .option('--against <git-ref>', 'compare with the schema files committed at this git ref (e.g. origin/main)')
    .option('--registry <manifest.json|registry.db>', 'compare with the versions registered in this registry')
    .action(async (opts: CheckOptions) => {
      if (!(await runSchemasCheck(opts))) throw new CliFailure('schemas check failed: incompatible or forbidden schema changes (see above)');
    });
  schemas.command('register')
    .description('register the versions of schemas/ in a registry (each checked under its subject mode)')
    .option('--dir <dir>', 'schemas directory', 'schemas')
    .option('--registry <manifest.json|registry.db>', 'target registry', '.nexus/registry.db')
    .action(async (opts: { dir: string; registry: string }) => runSchemasRegister(opts));

  const registryCmd = program.command('registry').description('The Confluent-compatible schema registry API');
  registryCmd.command('serve')
    .description('serve the Confluent-compatible API for a local SQLite registry seeded from schemas/')
    .option('--port <port>', 'port (0 = any free port)', '8081')
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option('--db <path>', 'SQLite file of the registry', '.nexus/registry.db')
    .option('--dir <dir>', 'schemas directory to seed from', 'schemas')
    .action(async (opts: { port: string; host: string; db: string; dir: string }) => {
      const registry = await LocalSchemaRegistry.open({ path: opts.db, schemasDir: opts.dir });
      const { app, url } = await startRegistryServer({ registry, port: Number(opts.port), host: opts.host });
      console.log(`nexus registry: Confluent-compatible API at ${url} (schemas from ${opts.dir}, database ${opts.db})`);
      const stop = (): void => {
        void app.close().then(() => registry.close()).then(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}

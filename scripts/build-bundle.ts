/**
 * Builds the shared runtime bundle (`npm run build:bundle`): ONE artifact, dist/runtime/bundle.js
 * (createRuntime, every adapter module, the API and the core handlers, bundled with esbuild), plus
 * a thin file per cloud entry point (aws-lambda.js, gcp-cloudrun.js, azure-functions.js, local.js)
 * that requires ./bundle.js. Packages that cannot be bundled (native code, files loaded at run
 * time) stay external and are listed in dist/runtime/package.json with their versions, so a
 * deploy step installs exactly those. Every provider deploys this directory.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { build, type Plugin } from 'esbuild';

export const ENTRY_POINTS = ['aws-lambda', 'gcp-cloudrun', 'azure-functions', 'local'] as const;

/** Not bundleable: native addons, and SDKs that read proto/JSON files next to their code at run time. */
export const EXTERNAL_PACKAGES = ['better-sqlite3', '@google-cloud/firestore', '@google-cloud/pubsub', 'pg-native'] as const;

export interface BundleResult {
  readonly outDir: string;
  readonly files: Readonly<Record<string, number>>;
  readonly ms: number;
}

/** Entry files import the shared app as `./app`; in the output that is the one bundle. */
const shareApp: Plugin = {
  name: 'nexus-shared-app',
  setup(b) {
    b.onResolve({ filter: /^\.\/app$/ }, (args) =>
      args.importer.endsWith(`${path.sep}app.ts`) ? undefined : { path: './bundle.js', external: true });
  },
};

export async function buildBundle(root = path.resolve(__dirname, '..'), outDir = path.join(root, 'dist/runtime')): Promise<BundleResult> {
  const t0 = Date.now();
  fs.rmSync(outDir, { recursive: true, force: true });
  const common = {
    bundle: true, platform: 'node' as const, target: 'node20', format: 'cjs' as const, sourcemap: 'linked' as const,
    logLevel: 'warning' as const, legalComments: 'none' as const, external: [...EXTERNAL_PACKAGES],
  };
  await build({ ...common, entryPoints: { bundle: path.join(root, 'runtime/entrypoints/app.ts') }, outdir: outDir });
  await build({
    ...common,
    entryPoints: Object.fromEntries(ENTRY_POINTS.map((e) => [e, path.join(root, `runtime/entrypoints/${e}.ts`)])),
    outdir: outDir,
    plugins: [shareApp],
  });
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; version: string };
  const dependencies = Object.fromEntries(EXTERNAL_PACKAGES.filter((p) => pkg.dependencies[p]).map((p) => [p, pkg.dependencies[p]!]));
  fs.writeFileSync(path.join(outDir, 'package.json'), `${JSON.stringify({
    name: 'nexus-runtime-bundle', version: pkg.version, private: true, main: 'bundle.js', engines: { node: '>=20' }, dependencies,
  }, null, 2)}\n`);
  const files = Object.fromEntries(fs.readdirSync(outDir).filter((f) => f.endsWith('.js')).map((f) => [f, fs.statSync(path.join(outDir, f)).size]));
  return { outDir, files, ms: Date.now() - t0 };
}

if (require.main === module) {
  buildBundle()
    .then((r) => {
      for (const [f, size] of Object.entries(r.files)) console.log(`${path.relative(process.cwd(), path.join(r.outDir, f))}  ${(size / 1024).toFixed(0)} KiB`);
      console.log(`built in ${r.ms} ms`);
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}

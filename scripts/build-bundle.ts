/**
 * Builds the shared runtime bundle (`npm run build:bundle`): ONE artifact, dist/runtime/bundle.js
 * (createRuntime, every adapter module, the API and the core handlers, bundled with esbuild), plus
 * a thin file per cloud entry point (aws-lambda.js, gcp-cloudrun.js, azure-functions.js, local.js)
 * that requires ./bundle.js. Packages that cannot be bundled (native code, files loaded at run
 * time) stay external and are listed in dist/runtime/package.json with their versions, so a
 * deploy step installs exactly those. AWS and GCP deploy this directory. Azure deploys its own
 * package (dist/azure-functions, zipped to dist/azure-functions.zip): host.json, a package.json
 * whose "main" is azure-functions-app.js (the only file that loads @azure/functions: it registers
 * the functions the Functions host discovers), the thin azure-functions.js and the same bundle.js.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { build, type Plugin } from 'esbuild';
import { zipDirectory } from './zip';

export const ENTRY_POINTS = ['aws-lambda', 'gcp-cloudrun', 'azure-functions', 'local'] as const;

/** Not bundleable: native addons, and SDKs that read proto/JSON files next to their code at run time. */
export const EXTERNAL_PACKAGES = ['better-sqlite3', '@google-cloud/firestore', '@google-cloud/pubsub', 'pg-native'] as const;

/** The Azure Function App's main: registers the functions with @azure/functions (runtime/entrypoints/azure-functions-app.ts). */
export const AZURE_MAIN = 'azure-functions-app.js';

/**
 * host.json of the Azure package: extension bundle 4.x (Cosmos DB 4.x and Event Hubs 5.x+
 * triggers, which take identity-based connections), no `/api` prefix so the API keeps its paths.
 */
export const AZURE_HOST_JSON = {
  version: '2.0',
  extensionBundle: { id: 'Microsoft.Azure.Functions.ExtensionBundle', version: '[4.*, 5.0.0)' },
  extensions: { http: { routePrefix: '' } },
} as const;

export interface AzurePackage {
  /** The package directory (what the zip holds, at its root). */
  readonly dir: string;
  /** The deployment zip (`az functionapp deployment source config-zip --src <zip>`). */
  readonly zip: string;
  readonly files: readonly string[];
}

export interface BundleResult {
  readonly outDir: string;
  readonly files: Readonly<Record<string, number>>;
  readonly azure: AzurePackage;
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

/** The registration main requires the thin entry (which requires the bundle) instead of inlining it. */
const shareAzureEntry: Plugin = {
  name: 'nexus-shared-azure-entry',
  setup(b) {
    b.onResolve({ filter: /^\.\/azure-functions$/ }, () => ({ path: './azure-functions.js', external: true }));
  },
};

/** Assembles the Azure package from the built bundle directory, then zips it. */
async function buildAzurePackage(root: string, outDir: string, dir: string, version: string, common: Parameters<typeof build>[0]): Promise<AzurePackage> {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const f of ['bundle.js', 'azure-functions.js']) {
    fs.copyFileSync(path.join(outDir, f), path.join(dir, f));
    fs.copyFileSync(path.join(outDir, `${f}.map`), path.join(dir, `${f}.map`));
  }
  await build({
    ...common,
    entryPoints: { [path.basename(AZURE_MAIN, '.js')]: path.join(root, 'runtime/entrypoints/azure-functions-app.ts') },
    outdir: dir,
    // The Functions worker provides @azure/functions-core to the code it loads.
    external: [...(common.external ?? []), '@azure/functions-core'],
    plugins: [shareAzureEntry],
  });
  fs.writeFileSync(path.join(dir, 'host.json'), `${JSON.stringify(AZURE_HOST_JSON, null, 2)}\n`);
  // No dependencies: everything the Azure path loads is bundled (the externals are other clouds' and the local stack's).
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify({
    name: 'nexus-azure-functions', version, private: true, main: AZURE_MAIN, engines: { node: '>=20' },
  }, null, 2)}\n`);
  const zip = `${dir}.zip`;
  const files = zipDirectory(dir, zip);
  return { dir, zip, files };
}

export async function buildBundle(root = path.resolve(__dirname, '..'), outDir = path.join(root, 'dist/runtime'), azureDir = path.join(root, 'dist/azure-functions')): Promise<BundleResult> {
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
  const azure = await buildAzurePackage(root, outDir, azureDir, pkg.version, common);
  return { outDir, files, azure, ms: Date.now() - t0 };
}

if (require.main === module) {
  buildBundle()
    .then((r) => {
      for (const [f, size] of Object.entries(r.files)) console.log(`${path.relative(process.cwd(), path.join(r.outDir, f))}  ${(size / 1024).toFixed(0)} KiB`);
      console.log(`${path.relative(process.cwd(), r.azure.zip)}  ${(fs.statSync(r.azure.zip).size / 1024).toFixed(0)} KiB (Azure Functions package: ${r.azure.files.join(', ')})`);
      console.log(`built in ${r.ms} ms`);
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}

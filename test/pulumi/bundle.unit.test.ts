/**
 * The shared runtime bundle: scripts/build-bundle.ts builds it (so `npm test` fails on a broken
 * bundle), and each cloud's thin entry point loads it with the manifest of its cloud — the aws
 * manifest from the dev stack under mocks, gcp/azure from their stacks when their provider
 * exists, the local one from localManifest. The local entry then serves a real request and a
 * relay pass through the bundled code, and each cloud entry's saga timeout handler (Lambda
 * handler, Cloud Run route, Azure timer) fires a due payment timeout on a local manifest. The
 * Azure package (host.json, package.json "main" = the registration) loads on its own with the
 * azure-prod Function App's settings and registers every function with @azure/functions, whose
 * registered handlers then serve the saga scenario end to end.
 */
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import type * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { HttpRequest } from '@azure/functions';
import { AZURE_HOST_JSON, AZURE_MAIN, buildBundle, ENTRY_POINTS, type BundleResult } from '../../scripts/build-bundle';
import { availableProviders } from '../../components/providerRegistry';
import type { NexusManifest } from '../../runtime/manifest';
import type { RuntimeAdapters } from '../../runtime/createRuntime';
import type { CloudEventEnvelope } from '../../runtime/ports';
import { toEnvelope } from '../../runtime/core/relay';
import { mintToken, SCOPES } from '../../runtime/http/auth';
import { manifestOf, ofType, plan, ROOT, stacksByCloud } from './plans';
import { WORKER_PATHS } from '../../providers/gcp/runtimeTriggers';
import { localManifest, outcome, placeUnpaidOrder, SECRET, TIMED_OUT, WAITING, withClockAhead, type ScenarioApp } from './sagaTimeoutScenario';
import { INDEX_SCRIPT, installFakeFunctionsCore, programmingModel, registeredFunctions, resetFakeFunctionsCore, type CoreFunctionMetadata } from './azureFunctionsHost';

interface LoadedEntry {
  readonly app: {
    manifest: NexusManifest;
    relay(): Promise<number>;
    consume(group: string, envelopes: readonly CloudEventEnvelope[]): Promise<number>;
    runtime(): Promise<RuntimeAdapters>;
    close(): Promise<void>;
    http(r: { method: string; url: string; headers: Record<string, string>; body?: string }): Promise<{ statusCode: number; body: string }>;
  };
  readonly [handler: string]: unknown;
}

describe('runtime bundle', function () {
  this.timeout(120000);
  let bundle: BundleResult;
  const outDir = path.join(ROOT, 'dist', `bundle-test-${process.pid}`);
  const azureDir = `${outDir}-azure`;
  const saved = { ...process.env };

  before(async () => {
    bundle = await buildBundle(ROOT, outDir, azureDir);
  });
  after(() => {
    process.env = saved;
    for (const p of [outDir, azureDir, `${azureDir}.zip`]) fs.rmSync(p, { recursive: true, force: true });
  });

  function load(entry: string, env: Record<string, string>): LoadedEntry {
    process.env = { ...saved, ...env };
    // The entry re-runs (a new NexusApp from the new env); the shared bundle stays loaded.
    delete require.cache[path.join(outDir, `${entry}.js`)];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(path.join(outDir, `${entry}.js`)) as LoadedEntry;
  }

  it('builds one shared bundle and a thin file per entry point', () => {
    assert.ok(bundle.files['bundle.js']! > 100_000, 'bundle.js holds the runtime');
    for (const e of ENTRY_POINTS) {
      assert.ok(bundle.files[`${e}.js`]! < 20_000, `${e}.js stays thin (${bundle.files[`${e}.js`]} bytes)`);
      assert.match(fs.readFileSync(path.join(outDir, `${e}.js`), 'utf8'), /require\("\.\/bundle\.js"\)/, `${e}.js uses the shared bundle`);
    }
    const pkg = JSON.parse(fs.readFileSync(path.join(outDir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    assert.ok(pkg.dependencies['better-sqlite3'], 'externals are listed for the deploy step');
  });

  const expectedHandlers: Record<string, string[]> = {
    'aws-lambda': ['api', 'relay', 'consumer', 'snapshots', 'sagaTimeouts'],
    'gcp-cloudrun': ['handle', 'createServer', 'envelopeFromPush'],
    'azure-functions': ['httpTrigger', 'changeFeed', 'eventHub', 'snapshotTimer', 'sagaTimeoutTimer'],
  };
  const entryCloud: Record<string, string> = { 'aws-lambda': 'aws', 'gcp-cloudrun': 'gcp', 'azure-functions': 'azure' };

  for (const [entry, cloud] of Object.entries(entryCloud)) {
    it(`${entry} loads the bundle with the ${cloud} stack's manifest`, async function () {
      const stack = stacksByCloud().get(cloud)?.[0];
      if (!(availableProviders() as string[]).includes(cloud) || !stack) {
        console.warn(`\n*** SKIPPED: no ${cloud} provider/stack yet: ${entry} not loaded with a ${cloud} manifest ***\n`);
        this.skip();
      }
      const manifest = manifestOf(await plan(stack));
      const mod = load(entry, { NEXUS_MANIFEST: JSON.stringify(manifest) });
      assert.equal(mod.app.manifest.cloud, cloud);
      assert.deepEqual(mod.app.manifest.eventStore, manifest.eventStore);
      for (const h of expectedHandlers[entry]!) assert.equal(typeof mod[h], 'function', `${entry} exports ${h}`);
    });
  }

  /** Each cloud's saga timeout handler, called the way its scheduler calls it; resolves to `fired`, rejects on failure. */
  const sagaTimeoutHandlers: Record<string, (mod: LoadedEntry) => Promise<number>> = {
    'aws-lambda': async (mod) => (await (mod.sagaTimeouts as () => Promise<{ fired: number }>)()).fired,
    'azure-functions': async (mod) => (await (mod.sagaTimeoutTimer as () => Promise<{ fired: number }>)()).fired,
    'gcp-cloudrun': async (mod) => {
      // Cloud Scheduler's request: POST to the worker path, 2xx or it retries.
      const server = (mod.createServer as () => http.Server)();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${WORKER_PATHS.sagaTimeouts}`, { method: 'POST' });
        const body = await res.json() as { fired?: number; error?: string };
        if (res.status !== 200) throw new Error(`${res.status}: ${body.error ?? JSON.stringify(body)}`);
        return body.fired!;
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    },
  };
  const FIFTEEN_MINUTES_AND_A_BIT = 16 * 60_000;

  for (const [entry, fire] of Object.entries(sagaTimeoutHandlers)) {
    it(`${entry}: its saga timeout handler cancels an unpaid order and releases its stock once the payment timeout is due`, async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nexus-bundle-timeouts-'));
      const mod = load(entry, { NEXUS_MANIFEST: JSON.stringify(localManifest(dir)), NEXUS_JWT_SECRET: SECRET, NEXUS_ROLE: 'worker' });
      try {
        await placeUnpaidOrder(mod.app, 'o-1', 'BOOK-1');
        assert.equal(await fire(mod), 0, 'the 15-minute payment timeout is not due yet');
        assert.deepEqual(await outcome(mod.app, 'o-1', 'BOOK-1'), WAITING);
        assert.equal(await withClockAhead(FIFTEEN_MINUTES_AND_A_BIT, () => fire(mod)), 1, 'due: the scheduler run fires it');
        assert.deepEqual(await outcome(mod.app, 'o-1', 'BOOK-1'), TIMED_OUT, 'order cancelled, reservation released');
        assert.equal(await withClockAhead(FIFTEEN_MINUTES_AND_A_BIT, () => fire(mod)), 0, 'the next run finds nothing left to fire');
        // A run that fails (here: the store refuses appends) must fail the scheduler's call, so it retries.
        await placeUnpaidOrder(mod.app, 'o-2', 'BOOK-2');
        const store = (await mod.app.runtime()).eventStore;
        const append = store.append.bind(store);
        store.append = () => Promise.reject(new Error('event store unavailable (test)'));
        try {
          await assert.rejects(withClockAhead(FIFTEEN_MINUTES_AND_A_BIT, () => fire(mod)), /0 fired, 1 failed: .*event store unavailable \(test\)/);
        } finally {
          store.append = append;
        }
        assert.deepEqual(await outcome(mod.app, 'o-2', 'BOOK-2'), WAITING, 'still due after the failed run');
        assert.equal(await withClockAhead(FIFTEEN_MINUTES_AND_A_BIT, () => fire(mod)), 1, 'the retry fires it');
        assert.deepEqual(await outcome(mod.app, 'o-2', 'BOOK-2'), TIMED_OUT);
      } finally {
        await mod.app.close();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it('gcp-cloudrun: the public api service refuses the saga timeout route', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nexus-bundle-timeouts-'));
    const mod = load('gcp-cloudrun', { NEXUS_MANIFEST: JSON.stringify(localManifest(dir)), NEXUS_JWT_SECRET: SECRET, NEXUS_ROLE: 'api' });
    const server = (mod.createServer as () => http.Server)();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${WORKER_PATHS.sagaTimeouts}`, { method: 'POST' });
      assert.equal(res.status, 404, 'anyone could trigger it on the public service');
    } finally {
      await new Promise((resolve) => server.close(resolve));
      await mod.app.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('azure-functions: the Azure package holds host.json, a package.json whose main registers the functions, and the shared bundle, zipped at the root', () => {
    const az = bundle.azure;
    const expected = [AZURE_MAIN, `${AZURE_MAIN}.map`, 'azure-functions.js', 'azure-functions.js.map', 'bundle.js', 'bundle.js.map', 'host.json', 'package.json'].sort();
    assert.deepEqual([...az.files], expected);
    const host = JSON.parse(fs.readFileSync(path.join(az.dir, 'host.json'), 'utf8')) as typeof AZURE_HOST_JSON;
    assert.equal(host.version, '2.0');
    assert.deepEqual(host.extensionBundle, { id: 'Microsoft.Azure.Functions.ExtensionBundle', version: '[4.*, 5.0.0)' }, 'Cosmos DB 4.x and Event Hubs triggers with identity connections');
    assert.equal(host.extensions.http.routePrefix, '', 'API paths without /api');
    const pkg = JSON.parse(fs.readFileSync(path.join(az.dir, 'package.json'), 'utf8')) as { main: string; dependencies?: unknown };
    assert.equal(pkg.main, AZURE_MAIN, 'the host runs the registration');
    assert.equal(pkg.dependencies, undefined, 'self-contained: nothing to install on the Function App');
    const main = fs.readFileSync(path.join(az.dir, AZURE_MAIN), 'utf8');
    assert.match(main, /require\("\.\/azure-functions\.js"\)/, 'the main uses the thin entry');
    assert.match(main, /require\("@azure\/functions-core"\)/, 'the worker-provided module stays external');
    assert.ok(fs.readFileSync(path.join(az.dir, 'bundle.js')).equals(fs.readFileSync(path.join(outDir, 'bundle.js'))), 'the same shared bundle');
    for (const f of [AZURE_MAIN, 'host.json']) assert.ok(!fs.existsSync(path.join(outDir, f)), `${f} stays out of the AWS/GCP bundle`);
    assert.doesNotMatch(fs.readFileSync(path.join(outDir, 'bundle.js'), 'utf8'), /Azure Functions NodeJS Framework|@azure\/functions-core/, '@azure/functions stays out of the shared bundle');
    // The zip: every file at the root, same bytes.
    const entries = zipEntries(az.zip);
    assert.deepEqual([...entries.keys()], expected);
    for (const f of expected) assert.ok(entries.get(f)!.equals(fs.readFileSync(path.join(az.dir, f))), `${f} in the zip`);
    if (spawnSync('unzip', ['-v']).status === 0) {
      const t = spawnSync('unzip', ['-t', az.zip], { encoding: 'utf8' });
      assert.equal(t.status, 0, `unzip -t: ${t.stdout}${t.stderr}`);
    }
  });

  it('azure-functions: the main loads on its own (no node_modules) with the azure-prod Function App settings and registers every function with @azure/functions', async () => {
    const webApp = ofType(await plan('azure-prod'), 'azure-native:web:WebApp')[0]!;
    const settings = Object.fromEntries((webApp.inputs.siteConfig as { appSettings: Array<{ name: string; value: unknown }> }).appSettings.map((s) => [s.name, String(s.value)]));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nexus-azure-package-'));
    try {
      for (const f of bundle.azure.files) fs.copyFileSync(path.join(bundle.azure.dir, f), path.join(dir, f));
      installFakeFunctionsCore(dir);
      fs.writeFileSync(path.join(dir, 'index-functions.js'), INDEX_SCRIPT);
      const out = execFileSync(process.execPath, [path.join(dir, 'index-functions.js'), path.join(dir, AZURE_MAIN)], { cwd: dir, env: { PATH: process.env.PATH, ...settings }, encoding: 'utf8' });
      const indexed = JSON.parse(out) as { isolated: boolean; model?: { name: string; version: string }; functions: CoreFunctionMetadata[] };
      assert.equal(indexed.isolated, true, 'no node_modules reachable: the package carries everything it loads');
      const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
      assert.deepEqual(indexed.model, { name: '@azure/functions', version: pkg.dependencies['@azure/functions'] }, 'the v4 programming model');
      const trigger = (name: string) => {
        const f = indexed.functions.find((x) => x.name === name);
        assert.ok(f, `${name} registered (have ${indexed.functions.map((x) => x.name).join(', ')})`);
        return Object.values(f.bindings).find((b) => b.direction === 'in' && b.type.endsWith('Trigger'))!;
      };
      assert.deepEqual(indexed.functions.map((f) => f.name), ['api', 'relay', 'consume-projections-core', 'consume-projections-noncritical', 'consume-sagas-core', 'consume-sagas-noncritical', 'snapshots', 'sagaTimeouts']);
      assert.deepEqual({ ...trigger('api'), name: undefined, properties: undefined }, {
        type: 'httpTrigger', direction: 'in', authLevel: 'anonymous', route: '{*path}', methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'], name: undefined, properties: undefined,
      });
      assert.ok(Object.values(indexed.functions[0]!.bindings).some((b) => b.type === 'http' && b.direction === 'out'), 'the API answers through the http output');
      assert.deepEqual({ ...trigger('relay'), name: undefined, properties: undefined }, {
        type: 'cosmosDBTrigger', direction: 'in', connection: 'NexusCosmos', databaseName: '%NEXUS_COSMOS_DATABASE%', containerName: '%NEXUS_EVENTS_CONTAINER%',
        leaseContainerName: '%NEXUS_LEASES_CONTAINER%', createLeaseContainerIfNotExists: false, name: undefined, properties: undefined,
      });
      const consumer = trigger('consume-sagas-noncritical');
      assert.deepEqual([consumer.type, consumer.connection, consumer.eventHubName, consumer.consumerGroup, consumer.cardinality], ['eventHubTrigger', 'NexusEventHubs', '%NEXUS_NONCRITICAL_HUB%', 'sagas', 'many']);
      assert.deepEqual([trigger('snapshots').type, trigger('snapshots').schedule, trigger('sagaTimeouts').schedule], ['timerTrigger', '%NEXUS_SNAPSHOT_SCHEDULE%', '%NEXUS_SAGA_TIMEOUT_SCHEDULE%']);
      // Every app setting a binding reads, and every connection's identity settings, exist on the Function App.
      const expressions = indexed.functions.flatMap((f) => Object.values(f.bindings).flatMap((b) => Object.values(b).filter((v): v is string => typeof v === 'string' && /^%.+%$/.test(v))));
      for (const e of expressions) assert.ok(settings[e.slice(1, -1)], `${e}: no such app setting on the Function App`);
      const connections = new Set(indexed.functions.flatMap((f) => Object.values(f.bindings).map((b) => b.connection).filter((c): c is string => typeof c === 'string')));
      for (const c of connections) assert.equal(settings[`${c}__credential`], 'managedidentity', `${c}: identity-based connection`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('azure-functions: the registered functions serve the API, relay, run the saga and fire its timeout through the bundled code', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nexus-bundle-azure-'));
    installFakeFunctionsCore(bundle.azure.dir);
    resetFakeFunctionsCore();
    process.env = { ...saved, NEXUS_MANIFEST: JSON.stringify(localManifest(dir)), NEXUS_JWT_SECRET: SECRET, NEXUS_CONSUMER_GROUPS: 'projections,sagas' };
    for (const f of [AZURE_MAIN, 'azure-functions.js']) delete require.cache[path.join(bundle.azure.dir, f)];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(path.join(bundle.azure.dir, AZURE_MAIN));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { app } = require(path.join(bundle.azure.dir, 'azure-functions.js')) as LoadedEntry;
    const functions = registeredFunctions();
    const invoke = <T>(name: string, ...args: unknown[]) => functions.get(name)!.handler(...args) as Promise<T>;
    // The scenario's app, every call through a registered function the way the host calls it.
    const viaFunctions: ScenarioApp = {
      http: async (r) => {
        const res = await invoke<{ status: number; body: string }>('api', new HttpRequest({ method: r.method, url: `https://nexus-func.azurewebsites.net${r.url}`, headers: r.headers, ...(r.body ? { body: { string: r.body } } : {}) }), {});
        return { statusCode: res.status, body: res.body };
      },
      relay: async () => (await invoke<{ published: number }>('relay', [{ id: 'changed-doc' }], {})).published,
      consume: async (group, envelopes) => (await invoke<{ consumed: number }>(`consume-${group}-core`, [...envelopes], { triggerMetadata: { propertiesArray: [] } })).consumed,
      runtime: () => app.runtime(),
    };
    try {
      assert.equal(programmingModel()?.name, '@azure/functions');
      const health = await viaFunctions.http({ method: 'GET', url: '/health', headers: {} });
      assert.deepEqual([health.statusCode, JSON.parse(health.body)], [200, { status: 'ok' }]);
      assert.equal((await viaFunctions.http({ method: 'GET', url: '/streams/Order-1', headers: {} })).statusCode, 401, 'the API checks tokens itself');
      await placeUnpaidOrder(viaFunctions, 'o-az', 'BOOK-AZ');
      assert.deepEqual(await outcome(viaFunctions, 'o-az', 'BOOK-AZ'), WAITING);
      const fire = () => invoke<{ fired: number }>('sagaTimeouts', { isPastDue: false }, {});
      assert.deepEqual(await fire(), { fired: 0 }, 'not due yet');
      assert.deepEqual(await withClockAhead(FIFTEEN_MINUTES_AND_A_BIT, fire), { fired: 1 });
      assert.deepEqual(await outcome(viaFunctions, 'o-az', 'BOOK-AZ'), TIMED_OUT);
      assert.ok((await invoke<{ snapshotted: number }>('snapshots', { isPastDue: false }, {})).snapshotted >= 0);
    } finally {
      await app.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an entry point refuses a missing or invalid manifest, naming what is wrong', () => {
    assert.throws(() => load('aws-lambda', {}), /NEXUS_MANIFEST: is not set/);
    assert.throws(() => load('aws-lambda', { NEXUS_MANIFEST: JSON.stringify({ manifestVersion: 1, cloud: 'aws' }) }), /manifest\.stack: is required/);
  });

  it('the local entry serves the API, relays, projects and runs sagas through the bundled code', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nexus-bundle-'));
    const manifest: NexusManifest = {
      manifestVersion: 1, cloud: 'local', stack: 'bundle-test', environment: 'dev',
      eventStore: { kind: 'memory' }, bus: { kind: 'memory' },
      registry: { kind: 'local', path: path.join(dir, 'registry.db'), schemasDir: path.join(ROOT, 'schemas') },
      search: { kind: 'memory' }, notifications: { kind: 'memory' },
      snapshots: { everyNEvents: 100, maxAgeSeconds: 3600 }, routing: { noncritical: [] },
    };
    const secret = 'x'.repeat(48);
    const mod = load('local', { NEXUS_MANIFEST: JSON.stringify(manifest), NEXUS_JWT_SECRET: secret });
    try {
      const health = await mod.app.http({ method: 'GET', url: '/health', headers: {} });
      assert.equal(health.statusCode, 200, health.body);
      assert.deepEqual(JSON.parse(health.body), { status: 'ok' });
      const denied = await mod.app.http({ method: 'GET', url: '/streams/Order-1', headers: {} });
      assert.equal(denied.statusCode, 401, `unauthenticated read refused: ${denied.body}`);
      assert.equal(await mod.app.relay(), 0, 'empty store: nothing to relay');
      const token = await mintToken(secret, { tenant: 't1', scopes: [...SCOPES], subject: 'bundle-test' });
      const placed = await mod.app.http({
        method: 'POST', url: '/commands/Order/42', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'PlaceOrder', payload: { customerId: 'c-1', currency: 'EUR', items: [{ sku: 'BOOK-1', name: 'A book', quantity: 1, unitPriceCents: 1500 }] } }),
      });
      assert.ok(placed.statusCode >= 200 && placed.statusCode < 300, `PlaceOrder accepted: ${placed.statusCode} ${placed.body}`);
      assert.equal(await mod.app.relay(), 1, 'the governed append is relayed');
      const rt = await mod.app.runtime();
      const page = await rt.eventStore.readAll({ limit: 10 });
      assert.deepEqual(page.events.map((e) => e.type), ['OrderPlaced']);
      const envelopes = page.events.map((e) => toEnvelope(e));
      assert.equal(await mod.app.consume('projections', envelopes), 1);
      assert.equal(await mod.app.consume('sagas', envelopes), 1, 'the fulfilment saga reacts to OrderPlaced');
      const after = await rt.eventStore.readAll({ limit: 50 });
      assert.ok(after.events.some((e) => e.streamId.includes('ulfilment')), `the saga recorded its input: ${after.events.map((e) => `${e.streamId}/${e.type}`).join(', ')}`);
    } finally {
      await mod.app.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** The files of a ZIP archive by name (central directory order), inflated. */
function zipEntries(zipPath: string): Map<string, Buffer> {
  const zip = fs.readFileSync(zipPath);
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(end >= 0, `${zipPath}: no end of central directory`);
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const out = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    assert.equal(zip.readUInt32LE(at), 0x02014b50, `${zipPath}: central directory entry ${i}`);
    const method = zip.readUInt16LE(at + 10);
    const [packedSize, size] = [zip.readUInt32LE(at + 20), zip.readUInt32LE(at + 24)];
    const [nameLen, extraLen, commentLen] = [zip.readUInt16LE(at + 28), zip.readUInt16LE(at + 30), zip.readUInt16LE(at + 32)];
    const local = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLen).toString('utf8');
    assert.equal(zip.readUInt32LE(local), 0x04034b50, `${name}: local header`);
    const dataAt = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const packed = zip.subarray(dataAt, dataAt + packedSize);
    const data = method === 8 ? zlib.inflateRawSync(packed) : packed;
    assert.equal(data.length, size, `${name}: size`);
    out.set(name, data);
    at += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

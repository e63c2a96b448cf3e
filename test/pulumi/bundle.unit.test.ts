/**
 * The shared runtime bundle: scripts/build-bundle.ts builds it (so `npm test` fails on a broken
 * bundle), and each cloud's thin entry point loads it with the manifest of its cloud — the aws
 * manifest from the dev stack under mocks, gcp/azure from their stacks when their provider
 * exists, the local one from localManifest. The local entry then serves a real request and a
 * relay pass through the bundled code, and each cloud entry's saga timeout handler (Lambda
 * handler, Cloud Run route, Azure timer) fires a due payment timeout on a local manifest.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import type * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildBundle, ENTRY_POINTS, type BundleResult } from '../../scripts/build-bundle';
import { availableProviders } from '../../components/providerRegistry';
import type { NexusManifest } from '../../runtime/manifest';
import type { RuntimeAdapters } from '../../runtime/createRuntime';
import type { CloudEventEnvelope } from '../../runtime/ports';
import { toEnvelope } from '../../runtime/core/relay';
import { mintToken, SCOPES } from '../../runtime/http/auth';
import { manifestOf, plan, ROOT, stacksByCloud } from './plans';
import { WORKER_PATHS } from '../../providers/gcp/runtimeTriggers';
import { localManifest, outcome, placeUnpaidOrder, SECRET, TIMED_OUT, WAITING, withClockAhead } from './sagaTimeoutScenario';

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
  const saved = { ...process.env };

  before(async () => {
    bundle = await buildBundle(ROOT, outDir);
  });
  after(() => {
    process.env = saved;
    fs.rmSync(outDir, { recursive: true, force: true });
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

/**
 * `nexus schemas check|register`: passes on the real schemas/, fails with a clear message on
 * breaking fixtures (added field without default, rewritten committed version via
 * --against <git-ref> in a scratch git repository, drift from a registry), exit code 1 from
 * the real CLI process.
 */
import { strict as assert } from 'node:assert';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSchemasCheck, runSchemasRegister } from '../../runtime/cli/commands/schemas';
import { LocalSchemaRegistry } from '../../runtime/adapters/local/LocalSchemaRegistry';
import { SCHEMAS_DIR } from './fixtures';

const ROOT = join(__dirname, '..', '..');
const thing = (...extra: object[]) => JSON.stringify({ type: 'record', name: 'Thing', namespace: 'fixture', fields: [{ name: 'id', type: 'string' }, ...extra] }, null, 2);

async function check(options: Parameters<typeof runSchemasCheck>[0]): Promise<{ ok: boolean; output: string }> {
  const lines: string[] = [];
  const ok = await runSchemasCheck(options, (l) => lines.push(l));
  return { ok, output: lines.join('\n') };
}

describe('nexus schemas check / register', function () {
  this.timeout(30_000);
  let dir: string;
  let schemas: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nexus-schemas-cli-'));
    schemas = join(dir, 'schemas');
    mkdirSync(join(schemas, 'fixture'), { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => writeFileSync(join(schemas, 'fixture', name), text);

  it('passes on the real schemas/ and prints a verdict per subject', async () => {
    const { ok, output } = await check({ dir: SCHEMAS_DIR });
    assert.equal(ok, true, output);
    for (const s of ['OrderPlaced', 'OrderShipped', 'PaymentConfirmed']) assert.match(output, new RegExp(`✓ ${s}\\s`));
    assert.match(output, /all compatible/);
  });

  it('fails on a breaking change, naming the file, the field and the rule', async () => {
    write('Thing.v1.avsc', thing());
    write('Thing.v2.avsc', thing({ name: 'weight', type: 'int' }));
    const { ok, output } = await check({ dir: schemas });
    assert.equal(ok, false);
    assert.match(output, /✗ Thing\s+BACKWARD .*INCOMPATIBLE/);
    assert.match(output, /schemas\/fixture\/Thing\.v2\.avsc: field `weight` was added without a default: a reader of v2 cannot read v1 data \(BACKWARD\)/);
  });

  it('exits 1 from the real CLI process with the reason on stdout', () => {
    write('Thing.v1.avsc', thing({ name: 'kind', type: { type: 'enum', name: 'Kind', symbols: ['A', 'B'] } }));
    write('Thing.v2.avsc', thing({ name: 'kind', type: { type: 'enum', name: 'Kind', symbols: ['A'] } }));
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'runtime', 'cli', 'main.ts'), 'schemas', 'check', '--dir', schemas], { encoding: 'utf8', cwd: ROOT });
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stdout, /field `kind`: enum Kind lost symbol\(s\) `B` and has no default/);
    assert.match(run.stderr, /schemas check failed/);
  });

  it('--against <git-ref>: a committed version may not change, new versions must be compatible with the committed history', async () => {
    const g = (...args: string[]) => execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8' });
    g('init', '-q');
    g('config', 'user.email', 'test@nexus.local');
    g('config', 'user.name', 'test');
    write('Thing.v1.avsc', thing());
    g('add', 'schemas');
    g('commit', '-q', '-m', 'v1');
    // A compatible v2 passes.
    write('Thing.v2.avsc', thing({ name: 'weight', type: 'int', default: 0 }));
    assert.equal((await check({ dir: schemas, against: 'HEAD' })).ok, true);
    // Rewriting the committed v1 fails, even though the files alone are consistent.
    write('Thing.v1.avsc', thing({ name: 'weight', type: 'int', default: 0 }));
    const rewritten = await check({ dir: schemas, against: 'HEAD' });
    assert.equal(rewritten.ok, false);
    assert.match(rewritten.output, /Thing\.v1\.avsc: differs from v1 in git HEAD; registered versions are immutable, add v3 instead/);
    // An unknown ref is a clear error.
    await assert.rejects(check({ dir: schemas, against: 'no-such-ref' }), /--against no-such-ref: git cannot read/);
  });

  it('register fills a registry; check --registry then compares with what is registered', async () => {
    const db = join(dir, 'registry.db');
    write('Thing.v1.avsc', thing());
    const lines: string[] = [];
    await runSchemasRegister({ dir: schemas, registry: db }, (l) => lines.push(l));
    assert.deepEqual(lines, ['registered Thing v1 (id 1) from schemas/fixture/Thing.v1.avsc']);
    assert.equal((await check({ dir: schemas, registry: db })).ok, true);
    // The registry moved on (v2 registered elsewhere, with a field the files never had).
    const registry = await LocalSchemaRegistry.open({ path: db });
    await registry.register('Thing', thing({ name: 'colour', type: 'string', default: '' }));
    await registry.close();
    write('Thing.v2.avsc', thing({ name: 'size', type: 'int', default: 0 }));
    const drift = await check({ dir: schemas, registry: db });
    assert.equal(drift.ok, false);
    assert.match(drift.output, /Thing\.v2\.avsc: differs from v2 in registry/);
  });

  it('nexus registry serve: a standalone Confluent-compatible API seeded from schemas/', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'runtime', 'cli', 'main.ts'), 'registry', 'serve', '--port', '0', '--db', join(dir, 'r.db'), '--dir', SCHEMAS_DIR], { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const m = /API at (http:\/\/\S+)/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.once('exit', (code) => reject(new Error(`registry serve exited with ${code}: ${out}`)));
      });
      const res = await fetch(`${url}/subjects/OrderShipped/versions`);
      assert.equal(res.headers.get('content-type'), 'application/vnd.schemaregistry.v1+json');
      assert.deepEqual(await res.json(), [1, 2]);
    } finally {
      process.kill(-child.pid!, 'SIGTERM');
    }
  });
});

/**
 * The gcp adapter module: a factory for every manifest kind the registry routes to it, and no
 * Google Cloud SDK loaded until a factory runs (lazy loading, checked in a fresh process).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { KIND_MODULES } from '../../runtime/adapters/registry';
import { factories } from '../../runtime/adapters/gcp';

const PORTS_OF_SECTION: Record<keyof typeof KIND_MODULES, ReadonlyArray<keyof typeof factories>> = {
  eventStore: ['eventStore', 'snapshotStore', 'checkpointStore', 'idempotencyStore'],
  bus: ['bus'],
  registry: ['registry'],
  search: ['search'],
  notifications: ['notifier'],
};

describe('gcp adapter factories', () => {
  it('implements every manifest kind the registry assigns to the gcp module, for every port of its section', () => {
    const missing: string[] = [];
    for (const [section, kinds] of Object.entries(KIND_MODULES) as Array<[keyof typeof KIND_MODULES, Record<string, string>]>) {
      for (const [kind, module] of Object.entries(kinds)) {
        if (module !== 'gcp') continue;
        for (const port of PORTS_OF_SECTION[section]) {
          const byKind = factories[port] as Record<string, unknown> | undefined;
          if (typeof byKind?.[kind] !== 'function') missing.push(`${port}.${kind}`);
        }
      }
    }
    assert.deepEqual(missing, []);
  });

  it('loads no Google Cloud SDK until a factory is called', () => {
    const root = join(__dirname, '..', '..');
    const script = "require('./runtime/adapters/gcp/index'); console.log(JSON.stringify(Object.keys(require.cache).filter((k) => k.includes('@google-cloud'))))";
    const r = spawnSync(process.execPath, ['-r', 'tsx/cjs', '-e', script], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout.trim().split('\n').pop()!), []);
  });
});

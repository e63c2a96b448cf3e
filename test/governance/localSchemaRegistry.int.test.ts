/**
 * LocalSchemaRegistry: the shared SchemaRegistry contract against real SQLite files, plus
 * seeding from a schemas/ directory (the real one and broken fixtures).
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalSchemaRegistry } from '../../runtime/adapters/local/LocalSchemaRegistry';
import { isIncompatibleSchemaError, isInvalidSchemaError } from '../../runtime/ports/SchemaRegistry';
import { schemaRegistryContract } from '../contracts/schemaRegistryContract';

const SCHEMAS = join(__dirname, '..', '..', 'schemas');

schemaRegistryContract('LocalSchemaRegistry (SQLite file)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nexus-registry-'));
  const registry = await LocalSchemaRegistry.open({ path: join(dir, 'registry.db') });
  return { registry, cleanup: async () => { await registry.close(); rmSync(dir, { recursive: true, force: true }); } };
});

describe('LocalSchemaRegistry: seeded from schemas/', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'nexus-registry-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('registers every file of the real schemas/ with file version = registry version, and modes from registry.json', async () => {
    const registry = await LocalSchemaRegistry.open({ path: join(dir, 'r.db'), schemasDir: SCHEMAS });
    try {
      const subjects = await registry.subjects();
      assert.ok(subjects.includes('OrderPlaced') && subjects.includes('OrderShipped'));
      assert.deepEqual(await registry.versions('OrderPlaced'), [1, 2]);
      assert.equal(await registry.getCompatibility('OrderPlaced'), 'FULL_TRANSITIVE');
      assert.equal(await registry.getCompatibility(), 'BACKWARD');
    } finally {
      await registry.close();
    }
  });

  it('re-opening keeps versions and ids (SQLite file) and accepts the same files again', async () => {
    const path = join(dir, 'r.db');
    const first = await LocalSchemaRegistry.open({ path, schemasDir: SCHEMAS });
    const before = await first.get('OrderPlaced', 2);
    await first.close();
    const again = await LocalSchemaRegistry.open({ path, schemasDir: SCHEMAS });
    try {
      assert.deepEqual(await again.get('OrderPlaced', 2), before);
    } finally {
      await again.close();
    }
  });

  it('refuses to open when a file version breaks its subject\'s mode, naming the field', async () => {
    const schemas = join(dir, 'schemas');
    mkdirSync(join(schemas, 'x'), { recursive: true });
    writeFileSync(join(schemas, 'x', 'Thing.v1.avsc'), JSON.stringify({ type: 'record', name: 'Thing', fields: [{ name: 'a', type: 'string' }] }));
    writeFileSync(join(schemas, 'x', 'Thing.v2.avsc'), JSON.stringify({ type: 'record', name: 'Thing', fields: [{ name: 'a', type: 'string' }, { name: 'b', type: 'int' }] }));
    await assert.rejects(LocalSchemaRegistry.open({ path: join(dir, 'r.db'), schemasDir: schemas }), (e) => isIncompatibleSchemaError(e) && /field `b` was added without a default/.test(e.message));
  });

  it('refuses a file that rewrites an already registered version', async () => {
    const schemas = join(dir, 'schemas');
    cpSync(SCHEMAS, schemas, { recursive: true });
    const path = join(dir, 'r.db');
    await (await LocalSchemaRegistry.open({ path, schemasDir: schemas })).close();
    writeFileSync(join(schemas, 'orders', 'ItemRemoved.v1.avsc'), JSON.stringify({ type: 'record', name: 'ItemRemoved', fields: [{ name: 'orderId', type: 'string' }] }));
    await assert.rejects(LocalSchemaRegistry.open({ path, schemasDir: schemas }), (e) => isInvalidSchemaError(e) && /ItemRemoved\.v1\.avsc differs from the registered ItemRemoved version 1/.test(e.message));
  });

  it('refuses gaps in versions and records named differently from their file', async () => {
    const schemas = join(dir, 'schemas');
    mkdirSync(schemas, { recursive: true });
    writeFileSync(join(schemas, 'Thing.v2.avsc'), JSON.stringify({ type: 'record', name: 'Thing', fields: [] }));
    await assert.rejects(LocalSchemaRegistry.open({ path: ':memory:', schemasDir: schemas }), /Thing has v2 but no v1/);
    rmSync(join(schemas, 'Thing.v2.avsc'));
    writeFileSync(join(schemas, 'Thing.v1.avsc'), JSON.stringify({ type: 'record', name: 'Other', fields: [] }));
    await assert.rejects(LocalSchemaRegistry.open({ path: ':memory:', schemasDir: schemas }), /record is named Other, expected Thing/);
  });
});

/**
 * The SchemaRegistry conformance suite: every adapter (local, Glue, Pub/Sub schemas, Azure
 * Schema Registry, Confluent) runs it. The factory returns a registry with no subjects and the
 * global default mode (BACKWARD); subjects are still made unique per test so that a shared
 * cloud registry does not leak between tests.
 */
import { strict as assert } from 'node:assert';
import { randomUUID } from 'node:crypto';
import type { SchemaRegistry } from '../../runtime/ports/SchemaRegistry';
import {
  isIncompatibleSchemaError, isInvalidSchemaError, isSchemaNotFoundError,
} from '../../runtime/ports/SchemaRegistry';

export interface SchemaRegistryFixture {
  readonly registry: SchemaRegistry;
  cleanup(): Promise<void>;
}

type Field = { name: string; type: unknown; default?: unknown; aliases?: string[] };
const record = (name: string, fields: Field[]) => JSON.stringify({ type: 'record', name, namespace: 'contract', fields });

export function schemaRegistryContract(name: string, factory: () => Promise<SchemaRegistryFixture>): void {
  describe(`SchemaRegistry contract: ${name}`, function () {
    this.timeout(30_000);
    let fixture: SchemaRegistryFixture;
    let registry: SchemaRegistry;
    let subject: string;
    const v1 = () => record(subject, [{ name: 'orderId', type: 'string' }]);
    const v2 = () => record(subject, [{ name: 'orderId', type: 'string' }, { name: 'note', type: ['null', 'string'], default: null }]);
    const breaking = () => record(subject, [{ name: 'orderId', type: 'string' }, { name: 'note', type: 'string' }]);

    beforeEach(async () => {
      fixture = await factory();
      registry = fixture.registry;
      subject = `Contract${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    });
    afterEach(async () => {
      await fixture.cleanup();
    });

    it('registers a first version as version 1 with a positive id', async () => {
      const r = await registry.register(subject, v1());
      assert.equal(r.subject, subject);
      assert.equal(r.version, 1);
      assert.ok(Number.isInteger(r.id) && r.id > 0);
      assert.deepEqual(JSON.parse(r.schema), JSON.parse(v1()));
    });

    it('re-registering the same schema (other whitespace and key order) returns the existing version', async () => {
      const first = await registry.register(subject, v1());
      const reordered = JSON.stringify({ fields: [{ type: 'string', name: 'orderId' }], namespace: 'contract', name: subject, type: 'record' }, null, 2);
      const again = await registry.register(subject, reordered);
      assert.deepEqual({ version: again.version, id: again.id }, { version: first.version, id: first.id });
      assert.deepEqual(await registry.versions(subject), [1]);
    });

    it('gets by subject + version, latest and id; lists versions and subjects', async () => {
      const r1 = await registry.register(subject, v1());
      const r2 = await registry.register(subject, v2());
      assert.equal(r2.version, 2);
      assert.notEqual(r2.id, r1.id);
      assert.deepEqual(JSON.parse((await registry.get(subject, 1)).schema), JSON.parse(v1()));
      const latest = await registry.get(subject, 'latest');
      assert.deepEqual({ version: latest.version, id: latest.id }, { version: 2, id: r2.id });
      const byId = await registry.getById(r1.id);
      assert.deepEqual(JSON.parse(byId.schema), JSON.parse(v1()));
      assert.deepEqual(await registry.versions(subject), [1, 2]);
      assert.ok((await registry.subjects()).includes(subject));
    });

    it('answers SchemaNotFoundError for an unknown subject, version or id', async () => {
      await assert.rejects(registry.get(subject, 1), (e) => isSchemaNotFoundError(e) && e.version === undefined);
      await assert.rejects(registry.get(subject, 'latest'), isSchemaNotFoundError);
      await assert.rejects(registry.versions(subject), isSchemaNotFoundError);
      await registry.register(subject, v1());
      await assert.rejects(registry.get(subject, 7), (e) => isSchemaNotFoundError(e) && e.version === 7);
      await assert.rejects(registry.getById(987_654_321), isSchemaNotFoundError);
    });

    it('rejects an invalid schema with InvalidSchemaError and registers nothing', async () => {
      await assert.rejects(registry.register(subject, '{"type":"record","name":"X"}'), isInvalidSchemaError);
      await assert.rejects(registry.register(subject, '{not json'), isInvalidSchemaError);
      assert.ok(!(await registry.subjects()).includes(subject));
    });

    it('enforces the mode on register: IncompatibleSchemaError names the field and rule, nothing is registered', async () => {
      await registry.register(subject, v1());
      await assert.rejects(registry.register(subject, breaking()), (e: unknown) => {
        assert.ok(isIncompatibleSchemaError(e));
        assert.equal(e.subject, subject);
        assert.equal(e.mode, 'BACKWARD');
        assert.match(e.message, /field `note` was added without a default/);
        assert.match(e.message, /\(BACKWARD\)/);
        return true;
      });
      assert.deepEqual(await registry.versions(subject), [1]);
    });

    it('checks compatibility without registering', async () => {
      await registry.register(subject, v1());
      const bad = await registry.checkCompatibility(subject, breaking());
      assert.equal(bad.compatible, false);
      assert.ok(bad.messages.some((m) => m.includes('`note`')));
      assert.deepEqual(await registry.checkCompatibility(subject, v2()), { compatible: true, messages: [] });
      assert.equal((await registry.checkCompatibility(subject, breaking(), 1)).compatible, false);
      assert.deepEqual(await registry.versions(subject), [1]);
    });

    it('a subject with no versions accepts any first schema', async () => {
      assert.equal((await registry.checkCompatibility(subject, v1())).compatible, true);
    });

    it('sets and gets compatibility per subject and globally (global default BACKWARD)', async () => {
      assert.equal(await registry.getCompatibility(), 'BACKWARD');
      assert.equal(await registry.getCompatibility(subject), 'BACKWARD');
      await registry.setCompatibility('NONE', subject);
      assert.equal(await registry.getCompatibility(subject), 'NONE');
      assert.equal(await registry.getCompatibility(), 'BACKWARD');
      await registry.register(subject, v1());
      const r = await registry.register(subject, breaking());
      assert.equal(r.version, 2);
    });

    it('a subject without its own mode follows the global mode', async () => {
      await registry.setCompatibility('FORWARD');
      assert.equal(await registry.getCompatibility(subject), 'FORWARD');
      await registry.register(subject, v1());
      // Adding a required field is FORWARD-compatible (old readers ignore it).
      assert.equal((await registry.register(subject, breaking())).version, 2);
      // Removing it again (v3 = v1 plus an unrelated optional field) breaks readers of v2.
      const v3 = record(subject, [{ name: 'orderId', type: 'string' }, { name: 'extra', type: ['null', 'string'], default: null }]);
      await assert.rejects(registry.register(subject, v3), (e) => isIncompatibleSchemaError(e) && e.mode === 'FORWARD' && /`note`/.test(e.message));
    });

    it('transitive modes check every earlier version', async () => {
      await registry.setCompatibility('BACKWARD_TRANSITIVE', subject);
      await registry.register(subject, v1());
      await registry.register(subject, record(subject, [{ name: 'orderId', type: 'string' }, { name: 'note', type: 'string', default: '' }]));
      // Reads v2 (which has `note`) but not v1 (which lacks it and v3 gives no default).
      await assert.rejects(registry.register(subject, breaking()), (e) => isIncompatibleSchemaError(e) && /`note`.*v1/.test(e.message));
    });

    it('validates data against subject@version with field paths', async () => {
      await registry.register(subject, record(subject, [
        { name: 'orderId', type: 'string' },
        { name: 'items', type: { type: 'array', items: { type: 'record', name: 'Line', fields: [{ name: 'quantity', type: 'int' }] } } },
      ]));
      assert.deepEqual(await registry.validate(subject, 1, { orderId: 'o-1', items: [{ quantity: 2 }] }), []);
      const issues = await registry.validate(subject, 1, { orderId: 'o-1', items: [{ quantity: 'two' }] });
      assert.deepEqual(issues, [{ path: 'items[0].quantity', message: 'expected int, got string' }]);
      await assert.rejects(registry.validate(subject, 2, {}), isSchemaNotFoundError);
      await assert.rejects(registry.validate(`${subject}Missing`, 1, {}), isSchemaNotFoundError);
    });
  });
}

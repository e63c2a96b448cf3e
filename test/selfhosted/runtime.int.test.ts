/**
 * createRuntime on a selfhosted manifest: every section resolves to the selfhosted factories
 * (PostgreSQL stores and search, JetStream bus, Confluent-API registry) and they work together
 * against the real servers; the password secret is looked up by name.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { createRuntime } from '../../runtime/createRuntime';
import { LocalSchemaRegistry } from '../../runtime/adapters/local/LocalSchemaRegistry';
import { startRegistryServer } from '../../runtime/http/registry';
import { MANIFEST_VERSION, type NexusManifest } from '../../runtime/manifest';
import { ev } from '../contracts/eventStore/support';
import { PG_HOST, PG_PORT, PG_USER, usePostgres } from './pgFixture';

describe('createRuntime on a selfhosted manifest', function () {
  this.timeout(60_000);
  const pg = usePostgres('selfhosted runtime wiring (test/selfhosted/runtime.int.test.ts)');

  it('builds every port from the selfhosted factories and round-trips through them', async () => {
    const local = await LocalSchemaRegistry.open({ path: join(mkdtempSync(join(tmpdir(), 'nexus-rt-')), 'registry.db') });
    const server = await startRegistryServer({ registry: local });
    const section = { host: PG_HOST, port: PG_PORT, database: pg.database(), user: PG_USER, schema: 'wired', passwordSecret: 'PGPASS' };
    const manifest: NexusManifest = {
      manifestVersion: MANIFEST_VERSION, cloud: 'selfhosted', stack: 'wired', environment: 'dev',
      eventStore: { kind: 'postgres', ...section }, search: { kind: 'postgres', ...section },
      bus: { kind: 'jetstream', servers: ['127.0.0.1:4222'], streamPrefix: `w${randomUUID().replace(/-/g, '').slice(0, 10)}` },
      registry: { kind: 'confluent', url: server.url }, notifications: { kind: 'memory' },
      snapshots: { everyNEvents: 100, maxAgeSeconds: 3600 }, routing: { noncritical: [] },
    };
    await assert.rejects(createRuntime(manifest), /passwordSecret: secret PGPASS is not set/);
    // Trust auth ignores the password; what matters is that it is read from the named secret.
    const rt = await createRuntime(manifest, { secrets: { PGPASS: 'unused-with-trust-auth' } });
    try {
      const r = await rt.eventStore.append('acme:Order-1', [ev()], 'no_stream');
      assert.equal(r.nextVersion, 1);
      await rt.checkpoints.set('cp', r.position);
      assert.equal(await rt.checkpoints.get('cp'), r.position);
      await rt.search.createIndex('orders', { fields: [{ name: 'status', type: 'keyword' }] });
      await rt.search.upsert('orders', [{ id: 'o1', status: 'placed' }]);
      assert.equal((await rt.search.query('orders', { filters: [{ field: 'status', op: 'eq', value: 'placed' }] })).total, 1);
      const registered = await rt.registry.register('Wired', JSON.stringify({ type: 'record', name: 'Wired', fields: [{ name: 'a', type: 'string' }] }));
      assert.equal(registered.version, 1);
      const got: string[] = [];
      const sub = await rt.bus.subscribe({ group: 'g', path: 'core', handler: async (d) => void got.push(d.message.id) });
      await rt.bus.publish([{ id: 'm1', partitionKey: 'acme:Order-1', path: 'core', envelope: { specversion: '1.0', id: 'm1', source: 't', type: 'T' } }]);
      for (let i = 0; i < 100 && got.length === 0; i++) await new Promise((res) => setTimeout(res, 50));
      assert.deepEqual(got, ['m1']);
      await sub.close();
    } finally {
      await rt.close();
      const nc = await connect({ servers: ['127.0.0.1:4222'] });
      const jsm = await jetstreamManager(nc);
      const prefix = (manifest.bus as { streamPrefix: string }).streamPrefix;
      for (const suffix of ['core', 'noncritical', 'redrive', 'dlq']) await jsm.streams.delete(`${prefix}_${suffix}`).catch(() => false);
      await nc.close();
      await server.app.close();
      await local.close();
    }
  });
});

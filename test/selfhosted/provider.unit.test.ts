/**
 * The selfhosted provider under Pulumi mocks (Pulumi.selfhosted.yaml): the manifest points the
 * runtime at PostgreSQL / JetStream / the runtime's registry API without ever carrying the
 * password, the PostgreSQL schema is created with @pulumi/postgresql through an explicit provider
 * whose password is a secret, and missing connection settings fail decoding naming the key.
 */
import assert from 'node:assert/strict';
import { decodeConfig } from '../../components/config';
import { readStackConfig } from '../../runtime/cli/plan/runStack';
import { manifestOf, ofType, plan, ROOT } from '../pulumi/plans';

describe('selfhosted provider (Pulumi mocks)', function () {
  this.timeout(60_000);

  it('emits the selfhosted manifest from the connection settings, with the password only as a secret name', async () => {
    // As `pulumi config set --secret` leaves it: the program receives the decrypted value.
    const config = { ...readStackConfig(ROOT, 'selfhosted'), 'nexus:selfhostedPostgresPassword': 'example-only-password' };
    const p = await plan('selfhosted', config, 'selfhosted-with-password');
    const m = manifestOf(p);
    assert.equal(m.cloud, 'selfhosted');
    assert.deepEqual(m.eventStore, {
      kind: 'postgres', host: 'pg.internal.example.com', port: 5432, database: 'nexus', user: 'nexus', schema: 'nexus', passwordSecret: 'NEXUS_POSTGRES_PASSWORD',
    });
    assert.deepEqual(m.search, m.eventStore);
    assert.deepEqual(m.bus, { kind: 'jetstream', servers: ['nats://nats-1.internal.example.com:4222', 'nats://nats-2.internal.example.com:4222'], streamPrefix: 'nexus' });
    assert.deepEqual(m.registry, { kind: 'confluent', url: 'https://nexus.internal.example.com/registry' });
    assert.equal(m.api?.url, 'https://nexus.internal.example.com');
    assert.doesNotMatch(JSON.stringify(m), /example-only-password/, 'no password in the manifest');
    const schemas = ofType(p, 'postgresql:index/schema:Schema');
    assert.equal(schemas.length, 1);
    assert.equal(schemas[0]!.inputs['name'], 'nexus');
    assert.equal(schemas[0]!.inputs['owner'], 'nexus');
    assert.equal(ofType(p, 'pulumi:providers:postgresql').length, 1, 'one explicit PostgreSQL provider');
  });

  it('requires the PostgreSQL URL and the NATS servers when nexus:cloud is selfhosted', () => {
    const base = { 'nexus:cloud': 'selfhosted', 'nexus:region': 'on-prem-1' };
    assert.throws(() => decodeConfig(base), /nexus:selfhostedPostgresUrl: required/);
    assert.throws(() => decodeConfig({ ...base, 'nexus:selfhostedPostgresUrl': 'postgres://u@h:5432/db' }), /nexus:selfhostedNatsServers: required/);
    assert.throws(() => decodeConfig({ ...base, 'nexus:selfhostedPostgresUrl': 'mysql://u@h/db' }), /nexus:selfhostedPostgresUrl/);
    const ok = decodeConfig({ ...base, 'nexus:selfhostedPostgresUrl': 'postgres://app@db:6543/events', 'nexus:selfhostedNatsServers': '["n1:4222"]' });
    assert.deepEqual(ok.selfhosted, { postgres: { host: 'db', port: 6543, database: 'events', user: 'app', schema: 'nexus' }, natsServers: ['n1:4222'] });
  });
});

/**
 * The Confluent-compatible REST API, driven by the real npm client
 * `@kafkajs/confluent-schema-registry` (register, ids, config handshake, Avro wire-format
 * encode/decode) against the standalone server and against the plugin mounted under
 * `/registry`, plus Confluent's documented status codes and bodies for the error cases.
 */
import { strict as assert } from 'node:assert';
import Fastify, { type FastifyInstance } from 'fastify';
import { COMPATIBILITY, SchemaRegistry as ConfluentClient, SchemaType } from '@kafkajs/confluent-schema-registry';
import { LocalSchemaRegistry } from '../../runtime/adapters/local/LocalSchemaRegistry';
import { confluentRegistryPlugin, REGISTRY_PREFIX } from '../../runtime/http/registry/plugin';
import { startRegistryServer } from '../../runtime/http/registry/server';
import { CONFLUENT_CONTENT_TYPE } from '../../runtime/http/registry/confluentErrors';
import { SCHEMAS_DIR } from './fixtures';

const payment = (fields: object[] = []) => JSON.stringify({
  type: 'record', name: 'Payment', namespace: 'test.kafka',
  fields: [{ name: 'id', type: 'string' }, { name: 'amountCents', type: 'long' }, ...fields],
});

describe('Confluent-compatible registry API', function () {
  this.timeout(20_000);
  let registry: LocalSchemaRegistry;
  let app: FastifyInstance;
  let url: string;

  before(async () => {
    registry = await LocalSchemaRegistry.open({ path: ':memory:', schemasDir: SCHEMAS_DIR });
    ({ app, url } = await startRegistryServer({ registry }));
  });
  after(async () => {
    await app.close();
    await registry.close();
  });

  const http = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': CONFLUENT_CONTENT_TYPE },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, type: res.headers.get('content-type'), body: await res.json() as Record<string, unknown> };
  };

  describe('with the @kafkajs/confluent-schema-registry client', () => {
    const client = () => new ConfluentClient({ host: url, retry: { retries: 0 } });

    it('registers, resolves the latest id and round-trips Avro wire-format messages', async () => {
      const c = client();
      const { id } = await c.register({ type: SchemaType.AVRO, schema: payment() }, { subject: 'payments-value' });
      assert.ok(id > 0);
      assert.equal(await c.getLatestSchemaId('payments-value'), id);
      assert.equal(await c.getRegistryId('payments-value', 1), id);
      const message = { id: 'p-1', amountCents: 1999 };
      const encoded = await c.encode(id, message);
      assert.equal(encoded.readUInt8(0), 0, 'Confluent magic byte');
      assert.equal(encoded.readUInt32BE(1), id, 'schema id in the wire header');
      // A fresh client (empty cache) fetches the writer schema by id from our server to decode.
      assert.deepEqual({ ...(await client().decode(encoded)) }, message);
    });

    it('registers a compatible v2, sets the subject mode on first registration, refuses an incompatible change naming the field', async () => {
      const c = client();
      const v1 = await c.register({ type: SchemaType.AVRO, schema: payment() }, { subject: 'refunds-value', compatibility: COMPATIBILITY.FULL });
      assert.equal(await registry.getCompatibility('refunds-value'), 'FULL');
      const v2 = await c.register({ type: SchemaType.AVRO, schema: payment([{ name: 'note', type: ['null', 'string'], default: null }]) }, { subject: 'refunds-value', compatibility: COMPATIBILITY.FULL });
      assert.notEqual(v2.id, v1.id);
      assert.equal(await c.getLatestSchemaId('refunds-value'), v2.id);
      await assert.rejects(
        c.register({ type: SchemaType.AVRO, schema: payment([{ name: 'reason', type: 'string' }]) }, { subject: 'refunds-value', compatibility: COMPATIBILITY.FULL }),
        (e: Error) => /incompatible/.test(e.message) && /field `reason` was added without a default/.test(e.message),
      );
      // The client refuses to register when the server's mode differs from the one it expects.
      await assert.rejects(c.register({ type: SchemaType.AVRO, schema: payment() }, { subject: 'refunds-value' }), /Compatibility does not match the configuration \(BACKWARD != FULL\)/);
    });

    it('works against the plugin mounted under /registry on a bigger server', async () => {
      const main = Fastify();
      main.get('/health', async () => ({ ok: true }));
      await main.register(confluentRegistryPlugin, { registry, prefix: REGISTRY_PREFIX });
      await main.listen({ port: 0, host: '127.0.0.1' });
      try {
        const address = main.server.address() as { port: number };
        const c = new ConfluentClient({ host: `http://127.0.0.1:${address.port}${REGISTRY_PREFIX}`, retry: { retries: 0 } });
        const id = await c.getLatestSchemaId('OrderPlaced');
        assert.equal(id, (await registry.get('OrderPlaced', 'latest')).id);
        const data = { orderId: 'o-1', customerId: 'c-1', currency: 'EUR', items: [{ sku: 'A', name: 'A', quantity: 1, unitPriceCents: 5 }], channel: 'web' };
        const decoded = await c.decode(await c.encode(id, data)) as Record<string, unknown>;
        assert.equal(decoded.channel, 'web');
        assert.equal((await main.inject({ url: '/health' })).statusCode, 200, 'the host server keeps its own routes');
      } finally {
        await main.close();
      }
    });
  });

  describe('paths, bodies and Confluent error codes', () => {
    it('lists the Nexus event subjects seeded from schemas/ and their versions', async () => {
      const subjects = await http('GET', '/subjects');
      assert.equal(subjects.status, 200);
      assert.equal(subjects.type, CONFLUENT_CONTENT_TYPE);
      assert.ok((subjects.body as unknown as string[]).includes('OrderShipped'));
      assert.deepEqual((await http('GET', '/subjects/OrderShipped/versions')).body, [1, 2]);
      const v2 = await http('GET', '/subjects/OrderShipped/versions/latest');
      assert.deepEqual(Object.keys(v2.body).sort(), ['id', 'schema', 'subject', 'version']);
      assert.equal(v2.body.version, 2);
      assert.match(v2.body.schema as string, /trackingCode/);
      const raw = await fetch(`${url}/subjects/OrderShipped/versions/1/schema`);
      assert.equal(((await raw.json()) as { name: string }).name, 'OrderShipped');
      assert.deepEqual((await http('GET', `/schemas/ids/${String(v2.body.id)}`)).body, { schema: v2.body.schema });
      assert.deepEqual((await http('GET', `/schemas/ids/${String(v2.body.id)}/versions`)).body, [{ subject: 'OrderShipped', version: 2 }]);
      assert.deepEqual((await http('GET', '/schemas/types')).body, ['AVRO']);
    });

    it('answers 40401 / 40402 / 40403 / 42202 for unknown subject, version, schema id and bad version', async () => {
      assert.deepEqual(await http('GET', '/subjects/Nope/versions'), { status: 404, type: CONFLUENT_CONTENT_TYPE, body: { error_code: 40401, message: "Subject 'Nope' not found." } });
      assert.deepEqual((await http('GET', '/subjects/OrderShipped/versions/9')).body, { error_code: 40402, message: 'Version 9 not found.' });
      assert.deepEqual((await http('GET', '/subjects/Nope/versions/1')).body.error_code, 40401);
      assert.deepEqual((await http('GET', '/schemas/ids/99999')).body, { error_code: 40403, message: 'Schema 99999 not found' });
      const bad = await http('GET', '/subjects/OrderShipped/versions/0');
      assert.equal(bad.status, 422);
      assert.equal(bad.body.error_code, 42202);
    });

    it('answers 42201 for an invalid or non-Avro schema and 409 naming the field for an incompatible one', async () => {
      const invalid = await http('POST', '/subjects/x-value/versions', { schema: '{"type":"record","name":"X"}' });
      assert.equal(invalid.status, 422);
      assert.equal(invalid.body.error_code, 42201);
      assert.equal((await http('POST', '/subjects/x-value/versions', { schema: '{}', schemaType: 'PROTOBUF' })).body.error_code, 42201);
      const shipped = JSON.parse((await registry.get('OrderShipped', 2)).schema) as { fields: object[] };
      shipped.fields.push({ name: 'weightGrams', type: 'int' });
      const conflict = await http('POST', '/subjects/OrderShipped/versions', { schema: JSON.stringify(shipped) });
      assert.equal(conflict.status, 409);
      assert.equal(conflict.body.error_code, 409);
      assert.match(conflict.body.message as string, /field `weightGrams` was added without a default.*\(BACKWARD_TRANSITIVE\)/);
    });

    it('checks compatibility against a version with is_compatible and the reasons', async () => {
      const shipped = JSON.parse((await registry.get('OrderShipped', 2)).schema) as { fields: object[] };
      shipped.fields.push({ name: 'weightGrams', type: 'int' });
      const res = await http('POST', '/compatibility/subjects/OrderShipped/versions/latest', { schema: JSON.stringify(shipped) });
      assert.equal(res.status, 200);
      assert.equal(res.body.is_compatible, false);
      assert.match((res.body.messages as string[])[0]!, /weightGrams/);
      shipped.fields.pop();
      assert.equal((await http('POST', '/compatibility/subjects/OrderShipped/versions/1', { schema: JSON.stringify(shipped) })).body.is_compatible, true);
      assert.equal((await http('POST', '/compatibility/subjects/Nope/versions/latest', { schema: JSON.stringify(shipped) })).body.error_code, 40401);
    });

    it('finds a registered schema by content under a subject (POST /subjects/{s})', async () => {
      const v1 = await registry.get('OrderShipped', 1);
      const found = await http('POST', '/subjects/OrderShipped', { schema: JSON.stringify(JSON.parse(v1.schema), null, 2) });
      assert.deepEqual({ id: found.body.id, version: found.body.version }, { id: v1.id, version: 1 });
      assert.equal((await http('POST', '/subjects/OrderShipped', { schema: payment() })).body.error_code, 40403);
    });

    it('gets and sets the global and per-subject compatibility, 40408 / 42203 as Confluent does', async () => {
      assert.deepEqual((await http('GET', '/config')).body, { compatibilityLevel: 'BACKWARD' });
      assert.deepEqual((await http('GET', '/config/OrderShipped')).body, { compatibilityLevel: 'BACKWARD_TRANSITIVE' });
      assert.equal((await http('GET', '/config/ItemAdded')).body.error_code, 40408);
      assert.deepEqual((await http('GET', '/config/ItemAdded?defaultToGlobal=true')).body, { compatibilityLevel: 'BACKWARD' });
      assert.deepEqual((await http('PUT', '/config/ItemAdded', { compatibility: 'FULL' })).body, { compatibility: 'FULL' });
      assert.equal(await registry.getCompatibility('ItemAdded'), 'FULL');
      const bad = await http('PUT', '/config', { compatibility: 'SIDEWAYS' });
      assert.deepEqual({ status: bad.status, code: bad.body.error_code }, { status: 422, code: 42203 });
    });

    it('refuses deletes (registries are append-only) and unknown paths with Confluent-style bodies', async () => {
      assert.deepEqual(await http('DELETE', '/subjects/OrderShipped'), { status: 405, type: CONFLUENT_CONTENT_TYPE, body: { error_code: 405, message: 'Nexus schema registries are append-only: subjects and versions are never deleted (ADR 0021)' } });
      assert.equal((await http('GET', '/nothing/here')).body.error_code, 404);
    });
  });
});

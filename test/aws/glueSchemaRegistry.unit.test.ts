/**
 * GlueSchemaRegistry at the SDK boundary (no local Glue server exists): the shared SchemaRegistry
 * conformance suite over a Glue stand-in answering with the API's documented shapes, plus the
 * request shapes the adapter sends and the translation of Glue's errors into the port's.
 */
import assert from 'node:assert/strict';
import { CreateSchemaCommand, GetSchemaVersionCommand, ListSchemaVersionsCommand, RegisterSchemaVersionCommand, ThrottlingException } from '@aws-sdk/client-glue';
import { GlueSchemaRegistry } from '../../runtime/adapters/aws/GlueSchemaRegistry';
import { schemaIdOf } from '../../runtime/core/schema/registryRules';
import { isUnavailableError, isInvalidSchemaError } from '../../runtime/ports';
import { schemaRegistryContract } from '../contracts/schemaRegistryContract';
import { fakeGlue } from './support/fakeGlue';

describe('GlueSchemaRegistry (SDK boundary)', () => {
  schemaRegistryContract('GlueSchemaRegistry over a Glue API stand-in', async () => {
    const glue = fakeGlue('nexus-registry');
    const registry = new GlueSchemaRegistry({ client: glue.client, registryName: 'nexus-registry', pendingPollMs: 1 });
    return { registry, cleanup: async () => { glue.mock.restore(); await registry.close(); } };
  });

  const schema = JSON.stringify({ type: 'record', name: 'OrderPlaced', namespace: 'orders', fields: [{ name: 'orderId', type: 'string' }] });

  it('creates an AVRO schema with Glue compatibility NONE (Nexus decides), then registers versions by name', async () => {
    const glue = fakeGlue('r1');
    const registry = new GlueSchemaRegistry({ client: glue.client, registryName: 'r1', pendingPollMs: 1 });
    const r = await registry.register('OrderPlaced', schema);
    const create = glue.mock.commandCalls(CreateSchemaCommand)[0]!.args[0].input;
    assert.equal(create.DataFormat, 'AVRO');
    assert.equal(create.Compatibility, 'NONE');
    assert.deepEqual(create.RegistryId, { RegistryName: 'r1' });
    assert.equal(create.SchemaName, 'OrderPlaced');
    assert.equal(r.id, schemaIdOf(r.schema));
    const v2 = JSON.stringify({ type: 'record', name: 'OrderPlaced', namespace: 'orders', fields: [{ name: 'orderId', type: 'string' }, { name: 'n', type: 'int', default: 0 }] });
    assert.equal((await registry.register('OrderPlaced', v2)).version, 2);
    assert.deepEqual(glue.mock.commandCalls(RegisterSchemaVersionCommand)[0]!.args[0].input.SchemaId, { RegistryName: 'r1', SchemaName: 'OrderPlaced' });
    assert.ok(glue.mock.commandCalls(GetSchemaVersionCommand).some((c) => c.args[0].input.SchemaVersionId), 'waits for PENDING → AVAILABLE by version id');
  });

  it('translates ThrottlingException into the retryable UnavailableError', async () => {
    const glue = fakeGlue('r2');
    glue.mock.on(ListSchemaVersionsCommand).rejects(new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } }));
    const registry = new GlueSchemaRegistry({ client: glue.client, registryName: 'r2' });
    await assert.rejects(registry.versions('OrderPlaced'), (e: unknown) => isUnavailableError(e) && e.retryable && /Rate exceeded/.test(e.message));
  });

  it('a version Glue marks FAILURE is an InvalidSchemaError, not a registered version', async () => {
    const glue = fakeGlue('r3');
    const registry = new GlueSchemaRegistry({ client: glue.client, registryName: 'r3', pendingPollMs: 1 });
    glue.mock.on(GetSchemaVersionCommand).resolves({ Status: 'FAILURE' });
    await assert.rejects(registry.register('OrderPlaced', schema), isInvalidSchemaError);
  });
});

/**
 * AzureSchemaRegistry at the SDK boundary: the real SchemaRegistryClient over the recorded REST
 * shapes of Azure Schema Registry (RecordedSchemaRegistryHttp) — the shared SchemaRegistry
 * contract, then what the adapter sends and how it translates the service's errors.
 */
import assert from 'node:assert/strict';
import { SchemaRegistryClient } from '@azure/schema-registry';
import { AzureSchemaRegistry, schemaNameOf } from '../../runtime/adapters/azure/AzureSchemaRegistry';
import { isUnavailableError } from '../../runtime/ports';
import { schemaRegistryUrl } from '../../runtime/adapters/azure/index';
import { schemaRegistryContract } from '../contracts/schemaRegistryContract';
import { RecordedSchemaRegistryHttp, fakeCredential } from './support/recordedSchemaRegistryHttp';

const FQNS = schemaRegistryUrl('nexus-test.servicebus.windows.net');

function registry(http = new RecordedSchemaRegistryHttp()): { registry: AzureSchemaRegistry; http: RecordedSchemaRegistryHttp } {
  const client = new SchemaRegistryClient(FQNS, fakeCredential, { httpClient: http, retryOptions: { maxRetries: 0 } });
  return { registry: new AzureSchemaRegistry({ client, group: 'nexus-schemas' }), http };
}

schemaRegistryContract('AzureSchemaRegistry (SDK boundary, recorded REST shapes)', async () => {
  const r = registry();
  return { registry: r.registry, cleanup: () => r.registry.close() };
});

describe('AzureSchemaRegistry requests and errors (SDK boundary)', () => {
  const avro = (name: string) => JSON.stringify({ type: 'record', name, namespace: 'orders', fields: [{ name: 'orderId', type: 'string' }] });

  it('registers Avro with the serialization content type and a bearer token, in the configured group, escaping the subject', async () => {
    const { registry: reg, http } = registry();
    const r = await reg.register('orders.OrderPlaced:v', avro('OrderPlaced'));
    assert.equal(r.version, 1);
    const put = http.requests.find((q) => q.method === 'PUT' && q.url.includes(schemaNameOf('orders.OrderPlaced:v')));
    assert.ok(put, 'a PUT of the subject schema');
    assert.match(put.url, /^https:\/\/nexus-test\.servicebus\.windows\.net\/\$schemaGroups\/nexus-schemas\/schemas\/orders\.OrderPlaced_3Av\?api-version=/);
    assert.match(put.contentType ?? '', /serialization=avro/i);
    assert.equal(put.authorization, 'Bearer recorded-token');
    assert.deepEqual(await reg.subjects(), ['orders.OrderPlaced:v']);
  });

  it('429 with Retry-After → UnavailableError (retryable) carrying retryAfterMs', async () => {
    const { registry: reg, http } = registry();
    http.throttleNext(1);
    let caught: unknown;
    await reg.get('OrderPlaced', 'latest').catch((e: unknown) => (caught = e));
    assert.ok(isUnavailableError(caught), `expected UnavailableError, got ${String(caught)}`);
    assert.equal((caught).retryAfterMs, 1000);
  });
});

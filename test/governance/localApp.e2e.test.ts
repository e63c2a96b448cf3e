/**
 * `npm start`'s local platform end to end: the registry API is mounted under /registry with the
 * server's auth, the real Confluent client (with the dev bearer token) reads the Orders
 * subjects, and a command whose events are governed goes through.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SchemaRegistry as ConfluentClient } from '@kafkajs/confluent-schema-registry';
import { startLocalApp, type LocalApp } from '../../runtime/http/localApp';

describe('local platform: governance end to end', function () {
  this.timeout(60_000);
  let local: LocalApp;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nexus-local-gov-'));
    local = await startLocalApp({ dir, port: 0, readSide: false });
  });
  after(async () => {
    await local.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves /registry to the Confluent client with the dev token, and refuses it without one', async () => {
    const withToken = () => ({ request: (req: { enhance(r: { headers: Record<string, string> }): unknown }) => req.enhance({ headers: { authorization: `Bearer ${local.devToken}` } }) });
    const client = new ConfluentClient({ host: `${local.url}/registry`, retry: { retries: 0 }, middlewares: [withToken as never] });
    const id = await client.getLatestSchemaId('OrderPlaced');
    const schema = await client.getSchema(id) as { name?: string };
    assert.match(String(schema.name), /OrderPlaced/);
    const anonymous = await fetch(`${local.url}/registry/subjects`);
    assert.equal(anonymous.status, 401);
  });

  it('stores a governed Orders command at the latest schema version', async () => {
    const res = await fetch(`${local.url}/commands/Order/1`, {
      method: 'POST',
      headers: { authorization: `Bearer ${local.devToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'PlaceOrder', payload: { customerId: 'c-1', currency: 'EUR', items: [] } }),
    });
    assert.ok(res.status < 300, await res.text());
    const [event] = await local.runtime.eventStore.readStream('dev:Order-1');
    assert.deepEqual({ type: event?.type, v: event?.schemaVersion }, { type: 'OrderPlaced', v: 2 });
  });
});

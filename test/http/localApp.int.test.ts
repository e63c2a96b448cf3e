/**
 * The local platform as `npm start` runs it (SQLite files in a fresh directory, governed pipeline,
 * read side, HTTP on a random port), driven over real HTTP with the printed dev token.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalApp, type LocalApp } from '../../runtime/http/localApp';
import { localManifest } from '../../runtime/manifest';
import { banner } from '../../runtime/main';

describe('local app (npm start)', function () {
  this.timeout(60_000);
  let root: string;
  let dir: string;
  let local: LocalApp;
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'nexus-local-'));
    dir = join(root, 'state', '.nexus');
    local = await startLocalApp({ dir, manifest: localManifest(dir), port: 0 });
  });
  after(async () => {
    await local?.close();
    rmSync(root, { recursive: true, force: true });
  });

  const call = async (method: string, path: string, body?: unknown, token = local.devToken) => {
    const res = await fetch(`${local.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('creates its state directory and keeps the dev secret private', () => {
    assert.ok(existsSync(join(dir, 'events.db')));
    assert.equal(statSync(join(dir, 'dev-jwt-secret')).mode & 0o777, 0o600);
  });

  it('prints a token and curl lines that work as printed', async () => {
    const text = banner(local);
    assert.ok(text.includes(`export TOKEN=${local.devToken}`));
    assert.match(text, /curl -s -X POST http:\/\/127\.0\.0\.1:\d+\/commands\/Order\/42/);
    const restock = await call('POST', '/commands/Inventory/BOOK-1', { type: 'Restock', payload: { quantity: 10 } });
    assert.equal(restock.status, 201, JSON.stringify(restock.body));
    const placed = await call('POST', '/commands/Order/42', {
      type: 'PlaceOrder', payload: { customerId: 'c-1', currency: 'EUR', items: [{ sku: 'BOOK-1', name: 'A book', quantity: 1, unitPriceCents: 1500 }] },
    });
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    const stream = await call('GET', '/streams/Order-42');
    assert.equal(stream.status, 200);
    assert.equal((stream.body.events as Array<{ type: string; schemaVersion: number }>)[0]?.schemaVersion, 2, 'written at the latest schema version');
  });

  it('refuses a bad payload with 400 naming the field; nothing stored', async () => {
    // Only this order's stream: the read side may still be appending saga events of earlier orders.
    const stream = 'dev:Order-43';
    assert.equal((await local.runtime.eventStore.streamInfo(stream)).exists, false);
    const bad = await call('POST', '/commands/Order/43', { type: 'PlaceOrder', payload: { customerId: 'c-1', currency: 'EUR', items: [{ sku: 'B', name: 'b', quantity: 'one', unitPriceCents: 1 }] } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.field, 'payload.items[0].quantity');
    assert.deepEqual(await local.runtime.eventStore.readStream(stream), [], 'nothing stored for the refused command');
    assert.equal((await local.runtime.eventStore.streamInfo(stream)).exists, false);
    // The same command, valid, lands in exactly that stream (so the checks above looked in the right place).
    const ok = await call('POST', '/commands/Order/43', { type: 'PlaceOrder', payload: { customerId: 'c-1', currency: 'EUR', items: [{ sku: 'B', name: 'b', quantity: 1, unitPriceCents: 1 }] } });
    assert.equal(ok.status, 201);
    assert.equal((await local.runtime.eventStore.streamInfo(stream)).version, 1);
  });

  it('is ready, and refuses requests without a token', async () => {
    const ready = await fetch(`${local.url}/ready`);
    assert.equal(ready.status, 200);
    const anon = await fetch(`${local.url}/streams/Order-42`);
    assert.equal(anon.status, 401);
  });

  it('reuses the dev secret on restart, so printed tokens keep working', async () => {
    const again = await startLocalApp({ dir, manifest: localManifest(dir), port: 0, readSide: false });
    try {
      assert.equal(again.jwtSecret, local.jwtSecret);
    } finally {
      await again.close();
    }
  });
});

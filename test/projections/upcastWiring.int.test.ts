/**
 * The runtimes a user deploys hand their projections upcast events (ADR 0127): a v1 OrderShipped
 * stored before v2 existed (trackingNumber) reaches orderSummary as v2 (trackingCode) through the
 * local app's read side, its HTTP asOf rebuilds, and the cloud entry points' NexusApp.project.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalApp } from '../../runtime/http/localApp';
import { localManifest } from '../../runtime/manifest';
import { NexusApp } from '../../runtime/entrypoints/app';
import { toEnvelope } from '../../runtime/core/relay';
import { currentIndex } from '../../runtime/core/projections';
import { localManifest as appManifest, SECRET } from '../pulumi/sagaTimeoutScenario';
import type { NewEvent } from '../../runtime/ports/events';
import { waitUntil } from '../contracts/eventBusContract';

const placed = (orderId: string): NewEvent => ({
  eventId: `${orderId}-placed`, type: 'OrderPlaced', schemaVersion: 1,
  data: { orderId, customerId: 'c-1', currency: 'EUR', items: [{ sku: 'BOOK', name: 'Book', quantity: 1, unitPriceCents: 1000 }] }, metadata: { tenant: 'dev' },
});
/** An OrderShipped as stored before v2 (renamed trackingNumber → trackingCode) existed. */
const shippedV1 = (orderId: string): NewEvent => ({
  eventId: `${orderId}-shipped`, type: 'OrderShipped', schemaVersion: 1, data: { orderId, carrier: 'ups', trackingNumber: `T-${orderId}` }, metadata: { tenant: 'dev' },
});

describe('read-side upcasting is wired into the runtimes', function () {
  this.timeout(60_000);

  it('the local app (npm start): live projection and an asOf query see v1 OrderShipped as v2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nexus-upcast-wiring-'));
    const local = await startLocalApp({ dir, manifest: localManifest(dir), port: 0, logger: false });
    try {
      // Written straight to the store, as an old deployment did (the governed path would write v2).
      await local.runtime.eventStore.append('dev:Order-u1', [placed('u1'), shippedV1('u1')]);
      const get = async (path: string) => (await fetch(`${local.url}${path}`, { headers: { authorization: `Bearer ${local.devToken}` } })).json() as Promise<{ items: Array<{ trackingNumber: string | null; status: string }> }>;
      await waitUntil('the order shipped in the read model', async () => (await get('/projections/orderSummary/query?status=shipped')).items.length === 1, 10_000);
      assert.equal((await get('/projections/orderSummary/query?status=shipped')).items[0]!.trackingNumber, 'T-u1');
      const asOf = await get(`/projections/orderSummary/query?status=shipped&asOf=${encodeURIComponent(new Date(Date.now() + 1000).toISOString())}`);
      assert.equal(asOf.items[0]?.trackingNumber, 'T-u1', 'the temporary asOf index is built with upcasting too');
    } finally {
      await local.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('NexusApp.project (Lambda / Cloud Run / Functions consumers) sees v1 OrderShipped as v2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nexus-upcast-app-'));
    const app = new NexusApp({ manifestJson: JSON.stringify(appManifest(dir, 'upcast')), auth: { hs256Secret: SECRET } });
    try {
      const store = (await app.runtime()).eventStore;
      const r = await store.append('dev:Order-u2', [placed('u2'), shippedV1('u2')]);
      await app.project(r.events.map((e) => toEnvelope(e)));
      const page = await (await app.runtime()).search.query(
        (await currentIndex((await app.runtime()).checkpoints, 'orderSummary'))!, { filters: [{ field: 'status', op: 'eq', value: 'shipped' }] },
      );
      assert.equal(page.items[0]?.trackingNumber, 'T-u2');
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * The tenant-scoped rebuild through its two surfaces, on two tenants: `POST
 * /projections/:name/rebuild` (a tenant admin rebuilds only their tenant, in place) and `nexus
 * projections rebuild <name> --tenant <t>` on the local SQLite stack (the operator's full
 * rebuild-and-swap stays the default). Each time acme's corrupted document is repaired and
 * globex's documents keep identical content and count. The CLI also upcasts (a stored
 * OrderShipped v1 reaches the summary as v2).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemoryEventStore } from '../../runtime/adapters/local/InMemoryEventStore';
import { InMemoryCheckpointStore } from '../../runtime/adapters/local/InMemoryCheckpointStore';
import { InMemorySearchIndex } from '../../runtime/adapters/local/InMemorySearchIndex';
import { createRuntime } from '../../runtime/createRuntime';
import { localManifest } from '../../runtime/manifest';
import { currentIndex, rebuildProjection } from '../../runtime/core/projections';
import { buildServer } from '../../runtime/http/server';
import { projectionRoutes } from '../../runtime/http/routes/projections';
import { runRebuild, runTenantRebuild } from '../../runtime/cli/commands/projections';
import { buildProgram } from '../../runtime/cli/main';
import type { SearchDocument, SearchIndex } from '../../runtime/ports/SearchIndex';
import { orderDocId, orderSummaryProjection } from '../../examples/orders/projections';
import { TEST_SECRET, bearer, tokenFor } from '../http/harness';
import { appendOrder } from '../readside/ordersFixtures';

const tenantDocs = async (search: SearchIndex, index: string, tenant: string): Promise<SearchDocument[]> =>
  (await search.query(index, { limit: 1000, filters: [{ field: 'tenant', op: 'eq', value: tenant }] })).items;

describe('tenant-scoped rebuild surfaces', function () {
  this.timeout(30_000);

  it('POST /projections/:name/rebuild rebuilds only the caller\'s tenant, in the live index', async () => {
    const store = new InMemoryEventStore();
    const search = new InMemorySearchIndex();
    const checkpoints = new InMemoryCheckpointStore();
    for (let i = 0; i < 5; i++) {
      await appendOrder(store, 'acme', `a${i}`, 'c1', ['pay']);
      await appendOrder(store, 'globex', `g${i}`, 'c1', ['pay', 'ship']);
    }
    const { index: live } = await rebuildProjection(orderSummaryProjection, { store, search, checkpoints }, { graceMs: 0 });
    const a0 = (await search.get(live, orderDocId('acme', 'a0')))!;
    const g0 = (await search.get(live, orderDocId('globex', 'g0')))!;
    // Both tenants have a damaged document; only acme's admin asks for a rebuild.
    await search.upsert(live, [{ ...a0, status: 'bogus' }, { ...g0, status: 'bogus' }]);
    const globex = await tenantDocs(search, live, 'globex');
    const app = buildServer({
      eventStore: store, aggregates: undefined as never, commands: undefined as never, auth: { hs256Secret: TEST_SECRET },
      plugins: [async (a) => projectionRoutes(a, { eventStore: store, search, checkpoints, projections: [orderSummaryProjection] })],
    });
    await app.ready();
    try {
      const res = await app.inject({ method: 'POST', url: '/projections/orderSummary/rebuild', headers: bearer(await tokenFor({ tenant: 'acme', scopes: ['admin'] })) });
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json<Record<string, unknown>>();
      assert.deepEqual([body.projection, body.tenant, body.index, body.upserted, body.removed], ['orderSummary', 'acme', live, 1, 0]);
      assert.ok(Number(body.events) >= 20);
      assert.equal(await currentIndex(checkpoints, 'orderSummary'), live, 'no swap: the live index is kept');
      assert.equal((await search.get(live, orderDocId('acme', 'a0')))?.status, 'paid');
      assert.deepEqual(await tenantDocs(search, live, 'globex'), globex, 'globex untouched, its damage included');
      assert.equal(globex.length, 5);
    } finally {
      await app.close();
    }
  });

  it('nexus projections rebuild --tenant rebuilds one tenant in place; without it, everything into a new index', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nexus-tenant-cli-'));
    const lines: string[] = [];
    const out = (l: string): void => void lines.push(l);
    try {
      let rt = await createRuntime(localManifest(dir));
      for (let i = 0; i < 4; i++) {
        await appendOrder(rt.eventStore, 'acme', `a${i}`, 'c1', ['pay', 'ship']);
        await appendOrder(rt.eventStore, 'globex', `g${i}`, 'c2', ['pay']);
      }
      await rt.close();
      const full = await runRebuild('orderSummary', { dir, progress: false }, out);
      rt = await createRuntime(localManifest(dir));
      let globex: SearchDocument[];
      try {
        const a1 = (await rt.search.get(full.index, orderDocId('acme', 'a1')))!;
        assert.equal(a1.trackingNumber, 't-a1', 'OrderShipped v1 upcast by the CLI rebuild');
        await rt.search.upsert(full.index, [{ ...a1, status: 'bogus', trackingNumber: null }]);
        globex = await tenantDocs(rt.search, full.index, 'globex');
      } finally {
        await rt.close();
      }
      const r = await runTenantRebuild('orderSummary', { dir, progress: false, tenant: 'acme' }, out);
      assert.equal(r.index, full.index);
      assert.equal(r.upserted, 1);
      assert.match(lines[lines.length - 1]!, /^rebuilt orderSummary for tenant acme: 20 events read, 12 applied, 0 poison skipped; 1 documents written, 0 removed, 0 caught up, 0 repaired, 0 unsettled in \d+ ms \(\d+ events\/s\); index ordersummary-/);
      // The same through the nexus program's argument parsing.
      const log = console.log;
      const printed: string[] = [];
      console.log = (...a: unknown[]) => void printed.push(a.join(' '));
      try {
        await buildProgram().parseAsync(['node', 'nexus', 'projections', 'rebuild', 'orderSummary', '--tenant', 'globex', '--no-progress', '--dir', dir]);
      } finally {
        console.log = log;
      }
      assert.match(printed.join('\n'), /^rebuilt orderSummary for tenant globex: 20 events read, 8 applied, 0 poison skipped; 0 documents written, 0 removed/);
      rt = await createRuntime(localManifest(dir));
      try {
        assert.equal(await currentIndex(rt.checkpoints, 'orderSummary'), full.index);
        const a1 = await rt.search.get(full.index, orderDocId('acme', 'a1'));
        assert.deepEqual([a1?.status, a1?.trackingNumber], ['shipped', 't-a1']);
        assert.deepEqual(await tenantDocs(rt.search, full.index, 'globex'), globex);
      } finally {
        await rt.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * /admin/dlq with the tenant filter in the dead-letter queue (ADR 0134): a tenant pages through
 * its own dead letters with a cursor however many of other tenants' come first, `total` counts
 * only its own, and purge/redrive without ids act on the caller's tenant only.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { PermanentError, type BusMessage } from '../../runtime/ports/EventBus';
import { bearer, tokenFor } from '../http/harness';
import { waitUntil } from '../contracts/eventBusContract';
import { buildReadSideServer, type ReadSideServer } from './routesHarness';

const GROUP = 'dlq-route-test';

function poison(tenant: string): BusMessage {
  const id = randomUUID();
  return { id, partitionKey: `${tenant}:Thing-${id}`, path: 'noncritical', envelope: { specversion: '1.0', id, source: 'test', type: 'ThingHappened', subject: `${tenant}:Thing-${id}`, tenant, data: {} } };
}

interface Page { total: number; items: Array<{ id: string; group: string; deadLetteredAt: string }>; nextCursor?: string }

describe('dead-letter admin routes: tenant filter, cursor paging, tenant-wide purge and redrive', function () {
  this.timeout(20_000);
  let s: ReadSideServer;
  let failing = true;
  const delivered: string[] = [];
  const headers: Record<string, Record<string, string>> = {};

  before(async () => {
    s = await buildReadSideServer();
    for (const t of ['initech', 'umbrella']) headers[t] = bearer(await tokenFor({ tenant: t, scopes: ['admin'] }));
    await s.bus.subscribe({
      group: GROUP, path: 'noncritical',
      handler: async (d) => {
        if (failing) throw new PermanentError('refused for the test');
        delivered.push(d.message.id);
      },
    });
    // Other tenants' dead letters first, more than a page of them.
    await s.bus.publish(Array.from({ length: 25 }, () => poison('umbrella')));
    await s.bus.publish(Array.from({ length: 5 }, () => poison('initech')));
    await waitUntil('30 dead letters', async () => (await s.bus.deadLetters.count({ group: GROUP })) === 30, 5000);
  });
  after(async () => s.close());

  const get = (tenant: string, url: string) => s.app.inject({ method: 'GET', url, headers: headers[tenant] });
  const post = (tenant: string, url: string, payload: object) => s.app.inject({ method: 'POST', url, headers: headers[tenant], payload });

  it('pages through the tenant\'s own dead letters with nextCursor, total counting only them', async () => {
    const seen: string[] = [];
    let url = `/admin/dlq?group=${GROUP}&limit=2`;
    let pages = 0;
    for (;;) {
      const res = await get('initech', url);
      assert.equal(res.statusCode, 200, res.body);
      const page = res.json<Page>();
      assert.equal(page.total, 5);
      pages++;
      seen.push(...page.items.map((d) => d.id));
      if (!page.nextCursor) break;
      assert.ok(pages < 5, 'paging ends');
      url = `/admin/dlq?group=${GROUP}&limit=2&cursor=${encodeURIComponent(page.nextCursor)}`;
    }
    assert.equal(pages, 3);
    assert.equal(new Set(seen).size, 5, 'each dead letter once');
    for (const id of seen) assert.equal((await s.bus.deadLetters.get(id))?.message.envelope.tenant, 'initech');
    const exact = (await get('initech', `/admin/dlq?group=${GROUP}&limit=5`)).json<Page>();
    assert.equal(exact.items.length, 5);
    assert.equal(exact.nextCursor, undefined, 'no cursor when the page holds the rest');
  });

  it('answers 400 naming the cursor when it is not one', async () => {
    const res = await get('initech', '/admin/dlq?cursor=not-a-cursor');
    assert.equal(res.statusCode, 400);
    assert.match(res.json<{ message: string }>().message, /cursor/);
  });

  it('purges only the caller\'s tenant when no ids are given', async () => {
    // The read side's own non-critical consumers may have dead-lettered these messages too: all go.
    const before = await s.bus.deadLetters.count({ tenant: 'initech' });
    assert.ok(before >= 5);
    const res = await post('initech', '/admin/dlq/purge', {});
    assert.equal(res.json<{ purged: number }>().purged, before);
    assert.equal(await s.bus.deadLetters.count({ tenant: 'initech' }), 0);
    assert.equal(await s.bus.deadLetters.count({ tenant: 'umbrella', group: GROUP }), 25, 'the other tenant\'s untouched');
  });

  it('redrives all of the caller\'s tenant (of a group) when no ids are given, each once', async () => {
    failing = false;
    const res = await post('umbrella', '/admin/dlq/redrive', { group: GROUP });
    assert.equal(res.json<{ redriven: number }>().redriven, 25);
    await waitUntil('25 redelivered', () => delivered.length >= 25, 5000);
    assert.equal(new Set(delivered).size, 25);
    assert.equal((await get('umbrella', `/admin/dlq?group=${GROUP}`)).json<Page>().total, 0);
  });
});

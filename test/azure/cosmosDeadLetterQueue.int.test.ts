/**
 * CosmosDeadLetterQueue on cosmosdb-server, beyond the bus contract (ADR 0134): a page edge that
 * falls inside a run of dead letters with the same deadLetteredAt (the query sorts by time only),
 * and items written before the `tenant` field existed, which tenant filters must still find.
 */
import assert from 'node:assert/strict';
import type { Container } from '@azure/cosmos';
import { CosmosDeadLetterQueue, deadLetterId } from '../../runtime/adapters/azure/CosmosDeadLetterQueue';
import type { DeadLetter } from '../../runtime/ports/EventBus';
import { tenantMessage } from '../contracts/eventBusContract';
import { useCosmosServer } from '../servers/cosmos';
import { freshContainer } from './cosmosFixture';

describe('CosmosDeadLetterQueue (cosmosdb-server): ties at page edges, items from before ADR 0134', function () {
  this.timeout(60_000);
  const server = useCosmosServer('test/azure/cosmosDeadLetterQueue.int.test.ts');
  let container: Container;
  let drop: () => Promise<void>;
  let dlq: CosmosDeadLetterQueue;
  const redelivered: DeadLetter[] = [];

  beforeEach(async () => {
    ({ container, drop } = await freshContainer(server(), 'deadletters'));
    dlq = new CosmosDeadLetterQueue({ container, redeliver: async (d) => void redelivered.push(d) });
  });
  afterEach(async () => drop());

  it('pages through dead letters that share one deadLetteredAt, each exactly once, ordered by id', async () => {
    const at = new Date('2026-01-02T03:04:05.006Z');
    const later = new Date('2026-01-02T03:04:05.007Z');
    for (let i = 0; i < 7; i++) await dlq.put(`g${i % 3}`, tenantMessage('acme', `k-${i}`), 1, 'boom', at);
    await dlq.put('g0', tenantMessage('acme', 'k-late'), 1, 'boom', later);
    await dlq.put('g0', tenantMessage('globex', 'k-other'), 1, 'boom', at);
    const all = await dlq.list({ tenant: 'acme', limit: 100 });
    assert.equal(all.length, 8);
    assert.deepEqual(all.slice(0, 7).map((d) => d.id), all.slice(0, 7).map((d) => d.id).sort(), 'ties ordered by id');
    assert.equal(all[7]!.deadLetteredAt, later.toISOString());
    for (const limit of [1, 2, 3, 7]) {
      const seen: string[] = [];
      for (let page = await dlq.list({ tenant: 'acme', limit }); page.length > 0; page = await dlq.list({ tenant: 'acme', limit, after: page[page.length - 1]! })) {
        assert.ok(page.length <= limit);
        seen.push(...page.map((d) => d.id));
        assert.ok(seen.length <= 8, `limit ${limit}: paging ends`);
      }
      assert.deepEqual(seen, all.map((d) => d.id), `limit ${limit}: each visited once, in order`);
    }
  });

  it('finds, counts and purges items stored without a tenant field by their envelope\'s tenant', async () => {
    const legacy = (group: string, tenant: string | undefined, key: string) => {
      const message = tenantMessage(tenant, key);
      // The item shape written before ADR 0134: no top-level tenant.
      return { id: deadLetterId(group, message.id), group, message, attempts: 2, error: 'old', deadLetteredAt: new Date().toISOString() };
    };
    for (const item of [legacy('ga', 'acme', 'a1'), legacy('gb', 'acme', 'a2'), legacy('ga', 'globex', 'b1'), legacy('ga', undefined, 'n1')]) {
      await container.items.create(item);
    }
    assert.equal(await dlq.count({ tenant: 'acme' }), 2);
    assert.deepEqual(Object.fromEntries(await dlq.countByGroup({ tenant: 'acme' })), { ga: 1, gb: 1 });
    assert.deepEqual((await dlq.list({ tenant: 'globex' })).map((d) => d.error), ['old']);
    const { resources } = await container.items.query<{ id: string; tenant: unknown }>('SELECT c.id, c.tenant FROM c').fetchAll();
    assert.deepEqual(resources.map((r) => r.tenant).sort(), ['acme', 'acme', 'globex', null], 'every item tagged, null for no tenant');
    assert.equal(await dlq.purge({ tenant: 'acme' }), 2);
    assert.equal(await dlq.count(), 2);
    assert.equal(await dlq.count({ tenant: 'acme' }), 0);
  });
});

/**
 * CosmosCheckpointStore.list() pushes its range and limit into the query (cosmosdb-server): the
 * prefix and `to` are WHERE conditions, a limit is TOP @n, pages hold at most 1,000 items and the
 * store stops fetching at the limit. Observed on the wire through the SDK's request plugin hook
 * (query text and the number of documents each response carried).
 */
import assert from 'node:assert/strict';
import { OperationType, PluginOn, ResourceType, type Plugin, type PluginConfig } from '@azure/cosmos';
import { CosmosCheckpointStore } from '../../runtime/adapters/azure/CosmosCheckpointStore';
import { cosmosClient, ensureContainer, useCosmosServer } from '../servers/cosmos';
import { TEST_DATABASE } from './cosmosFixture';

interface QueryCall {
  readonly query: string;
  readonly maxItemCount: number;
  readonly documents: number;
}

describe('CosmosCheckpointStore.list pushes the bound and the limit into the query (cosmosdb-server)', function () {
  this.timeout(120_000);
  const server = useCosmosServer('CosmosCheckpointStore list pushdown (test/azure/cosmosCheckpointList.int.test.ts)');
  const calls: QueryCall[] = [];
  const recorder: PluginConfig = {
    on: PluginOn.request,
    plugin: (async (context, _diagnostics, next) => {
      const response = await next(context);
      if (context.resourceType === ResourceType.item && context.operationType === OperationType.Query) {
        const headers = (context.headers ?? {}) as Record<string, unknown>;
        const body = typeof context.body === 'string' ? (JSON.parse(context.body) as { query?: string }) : (context.body as { query?: string } | undefined);
        const result = response.result as { Documents?: unknown[] } | undefined;
        calls.push({ query: body?.query ?? '', maxItemCount: Number(headers['x-ms-max-item-count']), documents: result?.Documents?.length ?? 0 });
      }
      return response;
    }) as Plugin<unknown>,
  };
  let store: CosmosCheckpointStore;
  const COUNT = 1200;
  const nameAt = (i: number): string => `saga-due:s:${String(i).padStart(4, '0')}`;

  before(async function () {
    this.timeout(120_000);
    const container = await ensureContainer(cosmosClient(server(), [recorder]), TEST_DATABASE, `checkpoints-list-${Date.now()}`, '/id');
    store = new CosmosCheckpointStore({ container });
    const names = [...Array.from({ length: COUNT }, (_, i) => nameAt(i)), ...Array.from({ length: 100 }, (_, i) => `saga-a:${i}`), ...Array.from({ length: 100 }, (_, i) => `saga-z:${i}`)];
    for (let i = 0; i < names.length; i += 50) await Promise.all(names.slice(i, i + 50).map((n) => store.set(n, `v:${n}`)));
  });
  beforeEach(() => (calls.length = 0));

  const documents = (): number => calls.reduce((n, c) => n + c.documents, 0);

  it('a whole prefix: pages of at most 1,000, only that prefix returned by the server', async () => {
    const all = await store.list('saga-due:');
    assert.deepEqual(all.map((c) => c.name), Array.from({ length: COUNT }, (_, i) => nameAt(i)));
    assert.ok(calls.length >= 2, `expected several pages, got ${calls.length}`);
    for (const c of calls) {
      assert.ok(c.maxItemCount <= 1000, `page size ${c.maxItemCount}`);
      assert.match(c.query, /STARTSWITH\(c\.name, @p\).*ORDER BY c\.name/);
    }
    assert.equal(documents(), COUNT);
  });

  it('limit: TOP @n in one request that carries exactly the limit', async () => {
    assert.equal((await store.list('saga-due:', { limit: 3 })).length, 3);
    assert.equal(calls.length, 1);
    assert.match(calls[0]!.query, /^SELECT TOP @n /);
    assert.equal(calls[0]!.maxItemCount, 3);
    assert.equal(documents(), 3);
  });

  it('to: the bound is a WHERE condition; only names up to it come back', async () => {
    assert.equal((await store.list('saga-due:', { to: nameAt(9) })).length, 10);
    assert.match(calls[0]!.query, /c\.name <= @to/);
    assert.equal(documents(), 10);
  });

  it('a limit beyond one page: two pages, nothing fetched past the limit', async () => {
    const got = await store.list('saga-due:', { limit: 1100, to: nameAt(1199) });
    assert.deepEqual(got.map((c) => c.name), Array.from({ length: 1100 }, (_, i) => nameAt(i)));
    assert.equal(calls.length, 2);
    assert.equal(documents(), 1100);
  });
});

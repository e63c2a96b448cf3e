/**
 * DynamoDbCheckpointStore.list() pushes its range and limit into the Query (DynamoDB Local): the
 * sort-key condition keeps other prefixes out of what is read, Limit asks for no more items than
 * are missing, and paging past the 1 MB page stops as soon as the limit is reached. Observed on
 * the wire through a middleware that records every Query's input and ScannedCount.
 */
import assert from 'node:assert/strict';
import { DynamoDBClient, type QueryCommandInput, type QueryCommandOutput } from '@aws-sdk/client-dynamodb';
import { DynamoDbCheckpointStore } from '../../runtime/adapters/aws/DynamoDbCheckpointStore';
import { LOCAL_CREDENTIALS, useDynamoDbLocal } from './support/dynamoFixture';

interface QueryCall {
  readonly input: QueryCommandInput;
  readonly scanned: number;
  readonly more: boolean;
}

describe('DynamoDbCheckpointStore.list pushes the bound and the limit into the Query (DynamoDB Local)', function () {
  this.timeout(120_000);
  const ddb = useDynamoDbLocal('DynamoDbCheckpointStore list pushdown (test/aws/dynamoCheckpointList.int.test.ts)');
  const calls: QueryCall[] = [];
  let client: DynamoDBClient;
  let store: DynamoDbCheckpointStore;
  const COUNT = 1200;
  const nameAt = (i: number): string => `saga-due:s:${String(i).padStart(4, '0')}`;

  before(async function () {
    this.timeout(120_000);
    const { checkpointsTable } = await ddb.freshTables();
    client = new DynamoDBClient({ endpoint: ddb.server().endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
    client.middlewareStack.add((next, context) => async (args) => {
      const result = await next(args);
      if (context.commandName === 'QueryCommand') {
        const out = result.output as QueryCommandOutput;
        calls.push({ input: args.input as QueryCommandInput, scanned: out.ScannedCount ?? 0, more: out.LastEvaluatedKey !== undefined });
      }
      return result;
    }, { step: 'initialize', name: 'recordQueries' });
    store = new DynamoDbCheckpointStore({ client, table: checkpointsTable });
    // ~1 KB values: the prefix holds ~1.2 MB, more than one 1 MB Query page. Neighbours on both sides.
    const names = [...Array.from({ length: COUNT }, (_, i) => nameAt(i)), ...Array.from({ length: 100 }, (_, i) => `saga-a:${i}`), ...Array.from({ length: 100 }, (_, i) => `saga-z:${i}`)];
    for (let i = 0; i < names.length; i += 50) await Promise.all(names.slice(i, i + 50).map((n) => store.set(n, `${n}:${'x'.repeat(1000)}`)));
  });
  after(() => client?.destroy());
  beforeEach(() => (calls.length = 0));

  const scanned = (): number => calls.reduce((n, c) => n + c.scanned, 0);

  it('a whole prefix pages past 1 MB and reads only that prefix', async () => {
    const all = await store.list('saga-due:');
    assert.equal(all.length, COUNT);
    assert.ok(calls.length >= 2, `expected several 1 MB pages, got ${calls.length} Query call(s)`);
    assert.equal(scanned(), COUNT, 'items of other prefixes were read');
    for (const c of calls) {
      assert.equal(c.input.Limit, undefined);
      assert.match(c.input.KeyConditionExpression ?? '', /begins_with\(#sk, :from\)/);
    }
  });

  it('limit: one Query with Limit = limit, reading exactly that many items', async () => {
    assert.equal((await store.list('saga-due:', { limit: 3 })).length, 3);
    assert.equal(calls.length, 1);
    assert.equal(calls[0]!.input.Limit, 3);
    assert.equal(scanned(), 3);
  });

  it('to: one BETWEEN Query reading only the names up to the bound', async () => {
    const got = await store.list('saga-due:', { to: nameAt(9) });
    assert.deepEqual(got.map((c) => c.name), Array.from({ length: 10 }, (_, i) => nameAt(i)));
    assert.equal(calls.length, 1);
    assert.match(calls[0]!.input.KeyConditionExpression ?? '', /#sk BETWEEN :from AND :to/);
    assert.equal(scanned(), 10);
  });

  it('a limit beyond one page: the next page asks only for what is missing, then stops', async () => {
    const got = await store.list('saga-due:', { limit: 1100 });
    assert.deepEqual(got.map((c) => c.name), Array.from({ length: 1100 }, (_, i) => nameAt(i)));
    assert.ok(calls.length >= 2, `expected the 1 MB page to cut the first Query, got ${calls.length} call(s)`);
    assert.equal(calls[0]!.input.Limit, 1100);
    assert.equal(calls[1]!.input.Limit, 1100 - calls[0]!.scanned);
    assert.equal(scanned(), 1100, 'read past the limit');
  });

  it('to below the prefix: no Query at all', async () => {
    assert.deepEqual(await store.list('saga-due:', { to: 'saga-a:zzz' }), []);
    assert.equal(calls.length, 0);
  });
});

/**
 * OpenSearchSearchIndex at the transport boundary (no OpenSearch server runs here): the HTTP
 * requests the real @opensearch-project/opensearch client sends for each port call, and the
 * translation of recorded OpenSearch responses and errors into the port's results and errors.
 */
import assert from 'node:assert/strict';
import { OpenSearchSearchIndex } from '../../runtime/adapters/aws/OpenSearchSearchIndex';
import { isIndexNotFoundError, isInvalidArgumentError, isInvalidQueryError, isUnavailableError } from '../../runtime/ports';
import { ORDERS_DEFINITION, orderDoc } from '../contracts/searchIndexContract';
import { errorBody, recordedOpenSearch, type RecordedRequest, type RecordedResponse } from './support/recordedOpenSearch';
import { indexBody } from '../../runtime/adapters/aws/openSearchDsl';
import { resolveDefinition } from '../../runtime/adapters/local/search/queryPlan';

const mapping = { orders: { mappings: indexBody(resolveDefinition(ORDERS_DEFINITION)).mappings } };

function route(table: Record<string, RecordedResponse | ((r: RecordedRequest) => RecordedResponse)>) {
  return (r: RecordedRequest): RecordedResponse => {
    const hit = table[`${r.method} ${r.path}`];
    if (!hit) return errorBody(500, 'unexpected_request', `${r.method} ${r.path}`);
    return typeof hit === 'function' ? hit(r) : hit;
  };
}

describe('OpenSearchSearchIndex (transport boundary, recorded OpenSearch responses)', () => {
  it('creates the index with a strict mapping of id + declared fields and the definition in _meta', async () => {
    const os = recordedOpenSearch(route({ 'PUT /nx-orders': { status: 200, body: { acknowledged: true, shards_acknowledged: true, index: 'nx-orders' } } }));
    await new OpenSearchSearchIndex({ client: os.client, prefix: 'nx-' }).createIndex('orders', ORDERS_DEFINITION);
    const body = JSON.parse(os.requests[0]!.body) as { mappings: { dynamic: string; properties: Record<string, { type: string }> } };
    assert.equal(body.mappings.dynamic, 'strict');
    assert.deepEqual(Object.fromEntries(Object.entries(body.mappings.properties).map(([k, v]) => [k, v.type])), {
      id: 'keyword', customer: 'keyword', status: 'keyword', total: 'double', placedAt: 'date', paid: 'boolean', items: 'text', note: 'text',
    });
  });

  it('an existing index with another definition is an error naming the field', async () => {
    const os = recordedOpenSearch(route({
      'PUT /orders': errorBody(400, 'resource_already_exists_exception', 'index [orders/abc] already exists'),
      'GET /orders/_mapping': { status: 200, body: mapping },
    }));
    const si = new OpenSearchSearchIndex({ client: os.client });
    await si.createIndex('orders', ORDERS_DEFINITION);
    await assert.rejects(si.createIndex('orders', { fields: [{ name: 'customer', type: 'number' }] }), (e: unknown) => isInvalidArgumentError(e) && /customer/.test(e.message));
  });

  it('upserts through _bulk with refresh=wait_for, one index action per document keyed by id', async () => {
    const os = recordedOpenSearch(route({
      'GET /orders/_mapping': { status: 200, body: mapping },
      'POST /_bulk': { status: 200, body: { took: 3, errors: false, items: [{ index: { _id: 'o-001', status: 201 } }, { index: { _id: 'o-002', status: 201 } }] } },
    }));
    await new OpenSearchSearchIndex({ client: os.client }).upsert('orders', [orderDoc(1), orderDoc(2)]);
    const bulk = os.requests.find((r) => r.path === '/_bulk')!;
    assert.match(bulk.querystring, /refresh=wait_for/);
    const lines = bulk.body.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(lines[0], { index: { _index: 'orders', _id: 'o-001' } });
    assert.deepEqual(lines[1], orderDoc(1));
    assert.equal(lines.length, 4);
  });

  it('a bulk item rejected with 429 (es_rejected_execution_exception) is the retryable UnavailableError', async () => {
    const os = recordedOpenSearch(route({
      'GET /orders/_mapping': { status: 200, body: mapping },
      'POST /_bulk': { status: 200, body: { took: 1, errors: true, items: [{ index: { _id: 'o-001', status: 429, error: { type: 'es_rejected_execution_exception', reason: 'rejected execution' } } }] } },
    }));
    await assert.rejects(new OpenSearchSearchIndex({ client: os.client }).upsert('orders', [orderDoc(1)]), (e: unknown) => isUnavailableError(e) && e.retryable);
  });

  it('translates a query into bool filter/must_not/must, sort with id tie-break, search_after, and reads hits, total and the cursor', async () => {
    const hit = (i: number, sort: unknown[]) => ({ _index: 'orders', _id: orderDoc(i).id, _score: null, _source: orderDoc(i), sort });
    const os = recordedOpenSearch(route({
      'GET /orders/_mapping': { status: 200, body: mapping },
      'POST /orders/_search': { status: 200, body: { took: 2, timed_out: false, hits: { total: { value: 9, relation: 'eq' }, max_score: null, hits: [hit(3, [21, 'o-003']), hit(8, [6, 'o-008'])] } } },
    }));
    const page = await new OpenSearchSearchIndex({ client: os.client }).query('orders', {
      filters: [{ field: 'status', op: 'ne', value: 'placed' }, { field: 'total', op: 'gte', value: 3 }, { field: 'customer', op: 'in', value: ['c-3', 'c-4'] }],
      text: 'blue widg', sort: [{ field: 'total', order: 'desc' }], limit: 2,
    });
    assert.deepEqual(page.items.map((d) => d.id), ['o-003', 'o-008']);
    assert.equal(page.total, 9);
    assert.ok(page.nextCursor);
    const body = JSON.parse(os.requests.find((r) => r.path === '/orders/_search')!.body) as Record<string, unknown>;
    assert.deepEqual(body['query'], {
      bool: {
        filter: [{ range: { total: { gte: 3 } } }, { terms: { customer: ['c-3', 'c-4'] } }],
        must_not: [{ term: { status: 'placed' } }],
        must: [
          { bool: { minimum_should_match: 1, should: [{ term: { items: { value: 'blue' } } }] } },
          { bool: { minimum_should_match: 1, should: [{ prefix: { items: { value: 'widg' } } }] } },
        ],
      },
    });
    assert.deepEqual(body['sort'], [{ total: { order: 'desc', missing: '_last' } }, { id: { order: 'asc', missing: '_first' } }]);
    assert.equal(body['track_total_hits'], true);
    assert.equal(body['size'], 2);
    await new OpenSearchSearchIndex({ client: os.client }).query('orders', { sort: [{ field: 'total', order: 'desc' }], limit: 2, cursor: page.nextCursor });
    const next = JSON.parse(os.requests.filter((r) => r.path === '/orders/_search')[1]!.body) as Record<string, unknown>;
    assert.deepEqual(next['search_after'], [6, 'o-008']);
  });

  it('rejects invalid queries before any request, with the same InvalidQueryError as the local indexes', async () => {
    const os = recordedOpenSearch(route({ 'GET /orders/_mapping': { status: 200, body: mapping } }));
    const si = new OpenSearchSearchIndex({ client: os.client });
    await assert.rejects(si.query('orders', { sort: [{ field: 'items', order: 'asc' }] }), (e: unknown) => isInvalidQueryError(e) && /items/.test(e.message));
    assert.ok(os.requests.every((r) => !r.path.endsWith('_search')));
  });

  it('maps index_not_found_exception to IndexNotFoundError and 429/503 to UnavailableError; get of a missing doc is undefined', async () => {
    const missing = recordedOpenSearch(() => errorBody(404, 'index_not_found_exception', 'no such index [gone]'));
    await assert.rejects(new OpenSearchSearchIndex({ client: missing.client }).query('gone', {}), (e: unknown) => isIndexNotFoundError(e) && e.index === 'gone');
    const busy = recordedOpenSearch(route({ 'GET /orders/_mapping': errorBody(429, 'too_many_requests', '429 Too Many Requests /orders/_mapping') }));
    await assert.rejects(new OpenSearchSearchIndex({ client: busy.client }).get('orders', 'o-1'), (e: unknown) => isUnavailableError(e) && e.retryable);
    const doc = recordedOpenSearch(route({
      'GET /orders/_mapping': { status: 200, body: mapping },
      'GET /orders/_doc/o-404': { status: 404, body: { _index: 'orders', _id: 'o-404', found: false } },
    }));
    assert.equal(await new OpenSearchSearchIndex({ client: doc.client }).get('orders', 'o-404'), undefined);
  });
});

/**
 * AzureAiSearchIndex at the SDK boundary: the real SearchIndexClient / SearchClient over recorded
 * Azure AI Search REST shapes (RecordedHttp) — what the adapter sends (index definition, OData
 * $filter / $orderby, full-Lucene text on searchFields, $count, skip paging) and how it maps the
 * answers and errors (404 → IndexNotFoundError, 400 → InvalidQueryError, 503 + Retry-After →
 * UnavailableError). No local Azure AI Search exists and the fake does not evaluate queries, so
 * the shared searchIndexContract is NOT run against this adapter (docs/capabilities.md).
 */
import assert from 'node:assert/strict';
import { SearchClient, SearchIndexClient } from '@azure/search-documents';
import { AzureAiSearchIndex } from '../../runtime/adapters/azure/AzureAiSearchIndex';
import { azureIndexName, buildSearch, portIndexName } from '../../runtime/adapters/azure/azureSearchOData';
import { resolveDefinition } from '../../runtime/adapters/local/search/queryPlan';
import { isIndexNotFoundError, isInvalidQueryError, isUnavailableError } from '../../runtime/ports';
import { ORDERS_DEFINITION, orderDoc } from '../contracts/searchIndexContract';
import { RecordedHttp, testCredential, type Seen } from './support/recordedHttp';

const ENDPOINT = 'https://nexus-test.search.windows.net';
const FIELDS = resolveDefinition(ORDERS_DEFINITION);

function fakeService(): { http: RecordedHttp; indexes: Map<string, unknown>; docs: Map<string, Array<Record<string, unknown>>> } {
  const http = new RecordedHttp();
  const indexes = new Map<string, unknown>();
  const docs = new Map<string, Array<Record<string, unknown>>>();
  const notFound = (name: string) => ({ status: 404, body: { error: { code: '', message: `No index with the name '${name}' was found in the service 'nexus-test'.` } } });
  http
    .on('POST', /^\/indexes$/, (r) => {
      const def = r.body as { name: string };
      indexes.set(def.name, def);
      docs.set(def.name, []);
      return { status: 201, body: def };
    })
    .on('GET', /^\/indexes$/, () => ({ status: 200, body: { value: [...indexes.keys()].map((name) => ({ name })) } }))
    .on('GET', /^\/indexes\('([^']+)'\)$/, (_r, m) => (indexes.has(m[1]!) ? { status: 200, body: indexes.get(m[1]!) } : notFound(m[1]!)))
    .on('DELETE', /^\/indexes\('([^']+)'\)$/, (_r, m) => (indexes.delete(m[1]!) ? { status: 204 } : notFound(m[1]!)))
    .on('POST', /^\/indexes\('([^']+)'\)\/docs\/search\.index$/, (r, m) => {
      const list = docs.get(m[1]!);
      if (!list) return notFound(m[1]!);
      const actions = (r.body as { value: Array<Record<string, unknown>> }).value;
      for (const a of actions) {
        const { ['@search.action']: action, ...doc } = a;
        const i = list.findIndex((d) => d['id'] === doc['id']);
        if (i >= 0) list.splice(i, 1);
        if (action !== 'delete') list.push(doc);
      }
      return { status: 200, body: { value: actions.map((a) => ({ key: a['id'], status: true, errorMessage: null, statusCode: 200 })) } };
    })
    .on('GET', /^\/indexes\('([^']+)'\)\/docs\('([^']+)'\)$/, (_r, m) => {
      const d = docs.get(m[1]!)?.find((x) => x['id'] === m[2]);
      return d ? { status: 200, body: d } : { status: 404, body: { error: { code: '', message: 'Not found' } } };
    });
  return { http, indexes, docs };
}

function adapter(http: RecordedHttp): AzureAiSearchIndex {
  const options = { httpClient: http, retryOptions: { maxRetries: 0 } };
  return new AzureAiSearchIndex({
    indexes: new SearchIndexClient(ENDPOINT, testCredential, options),
    searchClient: (name) => new SearchClient<Record<string, unknown>>(ENDPOINT, name, testCredential, options),
  });
}

const lastSearch = (http: RecordedHttp): Seen => [...http.seen].reverse().find((s) => s.path.endsWith('/docs/search.post.search'))!;

describe('AzureAiSearchIndex (SDK boundary, recorded Azure AI Search REST shapes)', () => {
  it('maps index names reversibly onto [a-z0-9-]', () => {
    for (const name of ['orders_3fa9', 'orderSummary', 'a-b_C', 'x']) {
      const azure = azureIndexName(name);
      assert.match(azure, /^[a-z0-9-]+$/);
      assert.equal(portIndexName(azure), name);
    }
  });

  it('translates every filter op, sort with the id tie-break, text and paging into the search request', () => {
    const r = buildSearch(FIELDS, {
      filters: [
        { field: 'customer', op: 'eq', value: "c-1'x" }, { field: 'status', op: 'ne', value: 'placed' }, { field: 'status', op: 'in', value: ['paid', 'shipped'] },
        { field: 'status', op: 'prefix', value: 'sh' }, { field: 'total', op: 'gte', value: 10 }, { field: 'total', op: 'lt', value: 30 },
        { field: 'placedAt', op: 'lte', value: '2026-01-01T00:00:20.000Z' }, { field: 'paid', op: 'eq', value: true },
      ],
      sort: [{ field: 'total', order: 'desc' }],
      text: 'Blue WIDG',
      limit: 7,
    });
    assert.equal(r.searchText, 'blue widg*');
    assert.equal(r.options.filter, [
      "(customer eq 'c-1''x')", "(status ne 'placed')", "(search.in(status, 'paid|shipped', '|'))", "((status ge 'sh' and status lt 'sh\uffff'))",
      '(total ge 10)', '(total lt 30)', '(placedAt le 2026-01-01T00:00:20.000Z)', '(paid eq true)',
    ].join(' and '));
    assert.deepEqual(r.options.orderBy, ['total desc', 'id asc']);
    assert.deepEqual(r.options.searchFields, ['items']);
    assert.equal(r.options.searchMode, 'all');
    assert.equal(r.options.queryType, 'full');
    assert.equal(r.options.top, 7);
    assert.equal(r.options.includeTotalCount, true);
    assert.throws(() => buildSearch(FIELDS, { filters: [{ field: 'colour', op: 'eq', value: 'x' }] }), (e: unknown) => isInvalidQueryError(e) && /colour/.test(e.message));
    assert.throws(() => buildSearch(FIELDS, { cursor: 'not-a-cursor' }), (e: unknown) => isInvalidQueryError(e) && /cursor/.test(e.message));
  });

  it('creates the index (id key + declared fields), upserts whole documents, gets them back, and sends the query as OData', async () => {
    const { http, indexes } = fakeService();
    const si = adapter(http);
    await si.createIndex('orders_t1', ORDERS_DEFINITION);
    const created = indexes.get('orders-0t1') as { fields: Array<Record<string, unknown>> };
    assert.ok(created, 'index created under the mapped name');
    assert.deepEqual(created.fields.map((f) => [f['name'], f['type'], f['key'] ?? false]), [
      ['id', 'Edm.String', true], ['customer', 'Edm.String', false], ['items', 'Edm.String', false], ['note', 'Edm.String', false],
      ['paid', 'Edm.Boolean', false], ['placedAt', 'Edm.DateTimeOffset', false], ['status', 'Edm.String', false], ['total', 'Edm.Double', false],
    ]);
    await si.createIndex('orders_t1', ORDERS_DEFINITION);
    await assert.rejects(si.createIndex('orders_t1', { fields: [{ name: 'customer', type: 'number' }] }), /customer|definition/);
    await si.upsert('orders_t1', [orderDoc(1), orderDoc(2)]);
    assert.deepEqual(await si.get('orders_t1', 'o-001'), orderDoc(1));
    assert.equal(await si.get('orders_t1', 'o-404'), undefined);
    assert.deepEqual(await si.listIndexes(), ['orders_t1']);
    http.on('POST', /\/docs\/search\.post\.search$/, () => ({ status: 200, body: { '@odata.count': 9, value: [{ '@search.score': 1, ...orderDoc(2) }, { '@search.score': 1, ...orderDoc(1) }] } }));
    const page = await si.query('orders_t1', { filters: [{ field: 'customer', op: 'eq', value: 'c-1' }], sort: [{ field: 'total', order: 'asc' }], text: 'widget', limit: 2 });
    assert.deepEqual(page.items, [orderDoc(2), orderDoc(1)]);
    assert.equal(page.total, 9);
    assert.ok(page.nextCursor, 'more pages: 2 of 9');
    const body = lastSearch(http).body as Record<string, unknown>;
    assert.deepEqual(body, { search: 'widget*', filter: "(customer eq 'c-1')", orderby: 'total asc,id asc', top: 2, skip: 0, count: true, searchFields: 'items', searchMode: 'all', queryType: 'full', select: '*' });
    await si.query('orders_t1', { filters: [{ field: 'customer', op: 'eq', value: 'c-1' }], sort: [{ field: 'total', order: 'asc' }], text: 'widget', limit: 2, cursor: page.nextCursor });
    assert.equal((lastSearch(http).body as { skip: number }).skip, 2, 'the cursor carries the skip');
  });

  it('translates 404 → IndexNotFoundError, 400 on a query → InvalidQueryError, 503 + Retry-After → UnavailableError', async () => {
    const { http } = fakeService();
    const si = adapter(http);
    await assert.rejects(si.query('missing_ix', {}), (e: unknown) => isIndexNotFoundError(e) && e.index === 'missing_ix');
    await si.createIndex('orders_t2', ORDERS_DEFINITION);
    http.on('POST', /\/docs\/search\.post\.search$/, () => ({ status: 400, body: { error: { code: '', message: "Invalid expression: Could not find a property named 'x'." } } }));
    await assert.rejects(si.query('orders_t2', {}), isInvalidQueryError);
    http.on('POST', /\/docs\/search\.post\.search$/, () => ({ status: 503, headers: { 'retry-after': '2' }, body: { error: { code: '', message: 'Service unavailable' } } }));
    let caught: unknown;
    await si.query('orders_t2', {}).catch((e: unknown) => (caught = e));
    assert.ok(isUnavailableError(caught), `expected UnavailableError, got ${String(caught)}`);
    assert.equal((caught).retryAfterMs, 2000);
  });
});

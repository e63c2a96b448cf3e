/**
 * The one conformance suite of the SearchIndex port. Every adapter's spec is a few lines:
 *
 *   searchIndexContract('SqliteSearchIndex', async () => ({ index, cleanup }));
 *
 * Semantics checked (runtime/ports/SearchIndex.ts): documents hold `id` plus declared fields
 * only (portable to schema-first services such as Azure AI Search); upsert replaces the whole
 * document; filters AND together; keyword/date comparisons are by code point (dates are ISO-8601
 * UTC strings); sort ties and the default order are id ascending; cursors never repeat or skip;
 * `total` ignores paging; text match is case-insensitive on whole words, the last term as a
 * prefix; invalid queries throw InvalidQueryError naming the field.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { IndexDefinition, SearchDocument, SearchIndex, SearchQuery } from '../../runtime/ports/SearchIndex';
import { isIndexNotFoundError, isInvalidQueryError } from '../../runtime/ports/SearchIndex';

export interface SearchIndexFixture {
  readonly index: SearchIndex;
  cleanup(): Promise<void>;
}

export const ORDERS_DEFINITION: IndexDefinition = {
  fields: [
    { name: 'customer', type: 'keyword', sortable: true },
    { name: 'status', type: 'keyword', sortable: true },
    { name: 'total', type: 'number', sortable: true },
    { name: 'placedAt', type: 'date', sortable: true },
    { name: 'paid', type: 'boolean' },
    { name: 'items', type: 'text' },
    { name: 'note', type: 'text', searchable: false },
  ],
};

interface OrderDoc extends SearchDocument {
  customer: string;
  status: string;
  total: number;
  placedAt: string;
  paid: boolean;
  items: string;
  note: string;
}

const STATUSES = ['placed', 'paid', 'shipped', 'cancelled'];
const ITEMS = ['red widget', 'blue gadget', 'green widget', 'redwood table', 'blue widget deluxe'];

export function orderDoc(i: number): OrderDoc {
  return {
    id: `o-${String(i).padStart(3, '0')}`,
    customer: `c-${i % 5}`,
    status: STATUSES[i % 4]!,
    total: (i * 7) % 50,
    placedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
    paid: i % 2 === 0,
    items: ITEMS[i % 5]!,
    note: 'widget in the note field is not searchable',
  };
}

const ALL = Array.from({ length: 53 }, (_, i) => orderDoc(i));

export function searchIndexContract(name: string, factory: () => Promise<SearchIndexFixture>): void {
  describe(`SearchIndex contract: ${name}`, function () {
    this.timeout(30_000);
    let fx: SearchIndexFixture;
    let si: SearchIndex;
    let ix: string;

    const ids = async (q: SearchQuery): Promise<string[]> => (await si.query(ix, { limit: 1000, ...q })).items.map((d) => d.id);
    const expectIds = (pred: (d: OrderDoc) => boolean): string[] => ALL.filter(pred).map((d) => d.id).sort();

    beforeEach(async () => {
      fx = await factory();
      si = fx.index;
      ix = `orders_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
      await si.createIndex(ix, ORDERS_DEFINITION);
    });
    afterEach(async () => {
      await si.dropIndex(ix).catch(() => undefined);
      await si.close();
      await fx.cleanup();
    });

    it('creates indexes idempotently, lists and drops them; another definition for an existing index is an error', async () => {
      await si.createIndex(ix, ORDERS_DEFINITION);
      assert.ok((await si.listIndexes()).includes(ix));
      await assert.rejects(si.createIndex(ix, { fields: [{ name: 'customer', type: 'number' }] }), /customer|definition/);
      await si.dropIndex(ix);
      assert.ok(!(await si.listIndexes()).includes(ix));
      await si.dropIndex(ix);
      await assert.rejects(si.query(ix, {}), (e: unknown) => isIndexNotFoundError(e) && e.index === ix);
      await assert.rejects(si.upsert(ix, [orderDoc(1)]), isIndexNotFoundError);
      await assert.rejects(si.get(ix, 'o-001'), isIndexNotFoundError);
    });

    it('upserts (replacing the whole document), gets and deletes', async () => {
      await si.upsert(ix, [orderDoc(1), orderDoc(2)]);
      assert.deepEqual(await si.get(ix, 'o-001'), orderDoc(1));
      const changed = { id: 'o-001', customer: 'c-9', status: 'shipped', total: 99.5, placedAt: orderDoc(1).placedAt, paid: true, items: 'purple thing', note: '' };
      await si.upsert(ix, [changed]);
      assert.deepEqual(await si.get(ix, 'o-001'), changed);
      await si.delete(ix, ['o-001', 'o-404']);
      assert.equal(await si.get(ix, 'o-001'), undefined);
      assert.deepEqual(await si.get(ix, 'o-002'), orderDoc(2));
      assert.equal((await si.query(ix, {})).total, 1);
    });

    describe('with 53 documents', () => {
      beforeEach(async () => {
        await si.upsert(ix, ALL.slice(0, 30));
        await si.upsert(ix, ALL.slice(30));
      });

      it('filters with eq, ne, in and prefix on keywords', async () => {
        assert.deepEqual((await ids({ filters: [{ field: 'customer', op: 'eq', value: 'c-3' }] })).sort(), expectIds((d) => d.customer === 'c-3'));
        assert.deepEqual((await ids({ filters: [{ field: 'status', op: 'ne', value: 'placed' }] })).sort(), expectIds((d) => d.status !== 'placed'));
        assert.deepEqual(
          (await ids({ filters: [{ field: 'status', op: 'in', value: ['paid', 'shipped'] }] })).sort(),
          expectIds((d) => d.status === 'paid' || d.status === 'shipped'),
        );
        assert.deepEqual((await ids({ filters: [{ field: 'status', op: 'prefix', value: 'sh' }] })).sort(), expectIds((d) => d.status.startsWith('sh')));
      });

      it('filters numbers and dates with gt, gte, lt, lte, and booleans with eq; filters AND together', async () => {
        assert.deepEqual((await ids({ filters: [{ field: 'total', op: 'gt', value: 40 }] })).sort(), expectIds((d) => d.total > 40));
        assert.deepEqual((await ids({ filters: [{ field: 'total', op: 'gte', value: 42 }] })).sort(), expectIds((d) => d.total >= 42));
        assert.deepEqual((await ids({ filters: [{ field: 'total', op: 'lt', value: 7 }] })).sort(), expectIds((d) => d.total < 7));
        assert.deepEqual((await ids({ filters: [{ field: 'total', op: 'lte', value: 7 }] })).sort(), expectIds((d) => d.total <= 7));
        const t = orderDoc(20).placedAt;
        assert.deepEqual((await ids({ filters: [{ field: 'placedAt', op: 'gte', value: t }] })).sort(), expectIds((d) => d.placedAt >= t));
        assert.deepEqual((await ids({ filters: [{ field: 'paid', op: 'eq', value: true }] })).sort(), expectIds((d) => d.paid));
        assert.deepEqual(
          (await ids({ filters: [{ field: 'total', op: 'gte', value: 10 }, { field: 'total', op: 'lt', value: 30 }, { field: 'customer', op: 'eq', value: 'c-1' }] })).sort(),
          expectIds((d) => d.total >= 10 && d.total < 30 && d.customer === 'c-1'),
        );
      });

      it('sorts ascending and descending, breaking ties by id ascending; default order is id ascending', async () => {
        const byTotal = (dir: 1 | -1) => (a: OrderDoc, b: OrderDoc): number => dir * (a.total - b.total) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
        assert.deepEqual(await ids({ sort: [{ field: 'total', order: 'asc' }] }), [...ALL].sort(byTotal(1)).map((d) => d.id));
        assert.deepEqual(await ids({ sort: [{ field: 'total', order: 'desc' }] }), [...ALL].sort(byTotal(-1)).map((d) => d.id));
        assert.deepEqual(await ids({}), ALL.map((d) => d.id).sort());
        const byCustomerThenDate = [...ALL].sort((a, b) => (a.customer < b.customer ? -1 : a.customer > b.customer ? 1 : b.placedAt.localeCompare(a.placedAt)));
        assert.deepEqual(await ids({ sort: [{ field: 'customer', order: 'asc' }, { field: 'placedAt', order: 'desc' }] }), byCustomerThenDate.map((d) => d.id));
      });

      it('pages with cursors without repeats or skips, reporting the total on every page', async () => {
        for (const sort of [undefined, [{ field: 'total', order: 'desc' as const }], [{ field: 'status', order: 'asc' as const }]]) {
          const whole = await ids({ sort, filters: [{ field: 'total', op: 'gte', value: 3 }] });
          const paged: string[] = [];
          let cursor: string | undefined;
          let pages = 0;
          do {
            const page = await si.query(ix, { sort, filters: [{ field: 'total', op: 'gte', value: 3 }], limit: 7, cursor });
            assert.equal(page.total, whole.length);
            assert.ok(page.items.length <= 7);
            paged.push(...page.items.map((d) => d.id));
            cursor = page.nextCursor;
            pages++;
            assert.ok(pages < 20, 'paging terminates');
          } while (cursor);
          assert.deepEqual(paged, whole, `paged order equals the unpaged order (sort ${JSON.stringify(sort)})`);
        }
        const last = await si.query(ix, { limit: 1000 });
        assert.equal(last.nextCursor, undefined, 'no cursor after the last page');
        assert.equal((await si.query(ix, {})).items.length, 20, 'default page size 20');
      });

      it('matches text on searchable fields: whole words, any order, case-insensitive, last term as a prefix', async () => {
        assert.deepEqual((await ids({ text: 'Widget' })).sort(), expectIds((d) => /widget/.test(d.items)));
        assert.deepEqual((await ids({ text: 'widg' })).sort(), expectIds((d) => /widget/.test(d.items)), 'prefix on the last term');
        assert.deepEqual((await ids({ text: 'widget blue' })).sort(), expectIds((d) => /blue/.test(d.items) && /widget/.test(d.items)));
        assert.deepEqual((await ids({ text: 'red widget' })).sort(), expectIds((d) => d.items === 'red widget'), '"red" is a whole word: redwood does not match');
        assert.deepEqual((await ids({ text: 'red' })).sort(), expectIds((d) => d.items.startsWith('red')), 'a single term is a prefix');
        assert.deepEqual(await ids({ text: 'note' }), [], 'non-searchable text fields are not matched');
        const page = await si.query(ix, { text: 'widget', filters: [{ field: 'customer', op: 'eq', value: 'c-0' }], limit: 2 });
        assert.equal(page.total, expectIds((d) => /widget/.test(d.items) && d.customer === 'c-0').length);
      });

      it('rejects invalid queries with InvalidQueryError naming the field', async () => {
        const rejects = async (q: SearchQuery, field: string): Promise<void> =>
          assert.rejects(si.query(ix, q), (e: unknown) => isInvalidQueryError(e) && e.message.includes(field), `query ${JSON.stringify(q)} names ${field}`);
        await rejects({ filters: [{ field: 'colour', op: 'eq', value: 'red' }] }, 'colour');
        await rejects({ sort: [{ field: 'shade', order: 'asc' }] }, 'shade');
        await rejects({ sort: [{ field: 'items', order: 'asc' }] }, 'items');
        await rejects({ filters: [{ field: 'total', op: 'gt', value: 'many' }] }, 'total');
        await rejects({ filters: [{ field: 'status', op: 'in', value: 'paid' }] }, 'status');
        await rejects({ filters: [{ field: 'status', op: 'like' as 'eq', value: 'paid' }] }, 'status');
        await rejects({ limit: 0 }, 'limit');
        await rejects({ limit: 1001 }, 'limit');
        await rejects({ cursor: 'not-a-cursor' }, 'cursor');
      });
    });
  });
}

/**
 * Translation of the SearchIndex port's definitions and query plans (the shared, validated
 * queryPlan of the local adapters) into OpenSearch mappings and query DSL, so OpenSearch answers
 * the same queries with the same semantics: keyword filters as term/terms/prefix/range, text as
 * one clause per term (each term must match some searchable field; the last term as a prefix),
 * sort + `id` tie-break with search_after cursors, and an exact total (track_total_hits).
 */
import type { FieldType } from '../../ports';
import type { QueryPlan, ResolvedField } from '../local/search/queryPlan';

const TYPES: Record<FieldType, Record<string, unknown>> = {
  keyword: { type: 'keyword' },
  // Text is analysed (lower-cased words) for matching; never sortable or filterable (port rule).
  text: { type: 'text', analyzer: 'standard' },
  number: { type: 'double' },
  date: { type: 'date', format: 'strict_date_optional_time' },
  boolean: { type: 'boolean' },
};

/** Index body: strict mapping of `id` + declared fields; the resolved definition kept in _meta for comparison. */
export function indexBody(fields: readonly ResolvedField[]): Record<string, unknown> {
  return {
    settings: { index: { number_of_shards: 1, max_result_window: 10_000 } },
    mappings: {
      dynamic: 'strict',
      _meta: { nexus: { fields } },
      properties: Object.fromEntries([['id', { type: 'keyword' }], ...fields.map((f) => [f.name, TYPES[f.type]] as const)]),
    },
  };
}

function filterClause(f: QueryPlan['filters'][number]): { must?: unknown; mustNot?: unknown } {
  const field = f.resolved.name;
  switch (f.op) {
    case 'eq':
      return { must: { term: { [field]: f.value } } };
    case 'ne':
      return { mustNot: { term: { [field]: f.value } } };
    case 'in':
      return { must: { terms: { [field]: f.value } } };
    case 'prefix':
      return { must: { prefix: { [field]: { value: f.value } } } };
    default:
      return { must: { range: { [field]: { [f.op]: f.value } } } };
  }
}

export function searchBody(plan: QueryPlan): Record<string, unknown> {
  const filter: unknown[] = [];
  const mustNot: unknown[] = [];
  for (const f of plan.filters) {
    const c = filterClause(f);
    if (c.must) filter.push(c.must);
    if (c.mustNot) mustNot.push(c.mustNot);
  }
  const must = plan.terms.map((term, i) => ({
    bool: {
      minimum_should_match: 1,
      should: plan.searchable.map((f) => (i === plan.terms.length - 1
        ? { prefix: { [f.name]: { value: term } } }
        : { term: { [f.name]: { value: term } } })),
    },
  }));
  return {
    query: { bool: { filter, must_not: mustNot, must } },
    // Missing values sort first ascending / last descending, like the local adapters.
    sort: plan.sort.map((s) => ({ [s.field.name]: { order: s.order, missing: s.order === 'asc' ? '_first' : '_last' } })),
    size: plan.limit,
    track_total_hits: true,
    ...(plan.after ? { search_after: plan.after } : {}),
  };
}

/**
 * The in-process half of PostgresSearchIndex queries: the full predicate, sort keys and keyset
 * paging over the candidate rows PostgreSQL returned (text match via tsvector and equality
 * filters are pushed down), with exactly the local indexes' rules (search/queryPlan.ts).
 */
import type { SearchDocument, SearchPage } from '../../../ports/SearchIndex';
import { encodeCursor, sortValue, tokenize, type QueryPlan } from '../../local/search/queryPlan';

import { matches } from '../../local/search/evaluate';

export { matches };

function compareKeys(plan: QueryPlan, a: readonly unknown[], b: readonly unknown[]): number {
  for (let i = 0; i < plan.sort.length; i++) {
    const x = a[i] as string | number;
    const y = b[i] as string | number;
    if (x === y) continue;
    const c = x < y ? -1 : 1;
    return plan.sort[i]!.order === 'asc' ? c : -c;
  }
  return 0;
}

/** Filters, sorts and pages candidate documents into a SearchPage. */
export function evaluate(plan: QueryPlan, candidates: readonly SearchDocument[]): SearchPage {
  const keyed = candidates.filter((d) => matches(plan, d)).map((d) => ({ d, key: plan.sort.map((s) => sortValue(s.field, d)) }));
  keyed.sort((a, b) => compareKeys(plan, a.key, b.key));
  const start = plan.after ? keyed.filter((k) => compareKeys(plan, k.key, plan.after!) <= 0).length : 0;
  const page = keyed.slice(start, start + plan.limit);
  const last = page[page.length - 1];
  const more = start + plan.limit < keyed.length;
  return { items: page.map((k) => k.d), total: keyed.length, nextCursor: more && last ? encodeCursor(last.key) : undefined };
}

/** The words a document contributes to its tsvector (same tokenizer as the query side). */
export function searchWords(plan: Pick<QueryPlan, 'searchable'>, doc: SearchDocument): string {
  return plan.searchable.flatMap((f) => (typeof doc[f.name] === 'string' ? tokenize(doc[f.name] as string) : [])).join(' ');
}

/**
 * The in-process half of PostgresSearchIndex queries: the full predicate, sort keys and keyset
 * paging over the candidate rows PostgreSQL returned (text match via tsvector and equality
 * filters are pushed down), with exactly the local indexes' rules (search/queryPlan.ts).
 */
import type { SearchDocument, SearchPage } from '../../../ports/SearchIndex';
import { encodeCursor, sortValue, tokenize, type QueryPlan } from '../../local/search/queryPlan';

function matchesFilter(f: QueryPlan['filters'][number], doc: SearchDocument): boolean {
  const v = f.field === 'id' ? doc.id : doc[f.field];
  if (v === undefined || v === null) return f.op === 'ne';
  const x = f.value as string | number | boolean;
  const cmp = (a: unknown, b: unknown): number => ((a as string | number) < (b as string | number) ? -1 : (a as string | number) > (b as string | number) ? 1 : 0);
  switch (f.op) {
    case 'eq': return v === x;
    case 'ne': return v !== x;
    case 'gt': return cmp(v, x) > 0;
    case 'gte': return cmp(v, x) >= 0;
    case 'lt': return cmp(v, x) < 0;
    case 'lte': return cmp(v, x) <= 0;
    case 'in': return (f.value as unknown[]).includes(v);
    case 'prefix': return typeof v === 'string' && v.startsWith(x as string);
  }
}

export function matches(plan: QueryPlan, doc: SearchDocument): boolean {
  if (!plan.filters.every((f) => matchesFilter(f, doc))) return false;
  if (plan.terms.length === 0) return true;
  const words = new Set(plan.searchable.flatMap((f) => (typeof doc[f.name] === 'string' ? tokenize(doc[f.name] as string) : [])));
  const last = plan.terms.length - 1;
  return plan.terms.every((t, i) => (i === last ? [...words].some((w) => w.startsWith(t)) : words.has(t)));
}

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

/**
 * The in-process search predicate every adapter that evaluates part of a query in memory applies
 * (in-memory index, Firestore and PostgreSQL candidates): one copy of the filter and text rules
 * of queryPlan.ts, so every backend answers the same query the same way.
 */
import type { SearchDocument } from '../../../ports/SearchIndex';
import { tokenize, type QueryPlan } from './queryPlan';

export function matchesFilter(filter: QueryPlan['filters'][number], doc: SearchDocument): boolean {
  const v = filter.field === 'id' ? doc.id : doc[filter.field];
  if (v === undefined || v === null) return filter.op === 'ne';
  const x = filter.value as string | number | boolean;
  const cmp = (a: unknown, b: unknown): number => ((a as string | number) < (b as string | number) ? -1 : (a as string | number) > (b as string | number) ? 1 : 0);
  switch (filter.op) {
    case 'eq': return v === x;
    case 'ne': return v !== x;
    case 'gt': return cmp(v, x) > 0;
    case 'gte': return cmp(v, x) >= 0;
    case 'lt': return cmp(v, x) < 0;
    case 'lte': return cmp(v, x) <= 0;
    case 'in': return (filter.value as unknown[]).includes(v);
    case 'prefix': return typeof v === 'string' && v.startsWith(x as string);
  }
}

/** The full predicate (filters AND text: whole words, the last term as a prefix). */
export function matches(plan: QueryPlan, doc: SearchDocument): boolean {
  if (!plan.filters.every((f) => matchesFilter(f, doc))) return false;
  if (plan.terms.length === 0) return true;
  const words = new Set(plan.searchable.flatMap((f) => (typeof doc[f.name] === 'string' ? tokenize(doc[f.name] as string) : [])));
  const last = plan.terms.length - 1;
  return plan.terms.every((t, i) => (i === last ? [...words].some((w) => w.startsWith(t)) : words.has(t)));
}

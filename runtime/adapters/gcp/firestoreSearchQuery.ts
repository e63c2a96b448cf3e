/**
 * How FirestoreSearchIndex splits a SearchQuery (ADR 0065) between Firestore and memory.
 * Firestore serves, from its automatic single-field indexes alone, only queries whose filters
 * are all equalities (it merges those indexes); a range, a not-equal, a prefix or a sort next
 * to them needs a composite index per combination, which a generic read-model store cannot
 * declare ahead. So the adapter pushes down the equalities (eq, one `in`, and the text terms as
 * equalities on token maps `w.<word>` / `p.<prefix>`) and evaluates everything in memory again
 * on the candidates (the same rules as the local indexes: search/queryPlan.ts).
 */
import { FieldPath, type Query } from '@google-cloud/firestore';
import type { SearchDocument } from '../../ports/SearchIndex';
import { sortValue, tokenize, type QueryPlan, type ResolvedField } from '../local/search/queryPlan';

/** Prefixes longer than this are not indexed (a longer last term is narrowed by its first MAX chars). */
export const MAX_PREFIX = 20;

/** The Firestore document of a search document. */
export interface SearchDoc {
  readonly id: string;
  /** The document as given, JSON (round-trips exactly). */
  readonly doc: string;
  /** Declared, non-null field values, for equality push-down. */
  readonly f: Record<string, unknown>;
  /** Whole words and word prefixes of the searchable fields. */
  readonly w: Record<string, true>;
  readonly p: Record<string, true>;
}

export function toSearchDoc(fields: readonly ResolvedField[], d: SearchDocument): SearchDoc {
  const f: Record<string, unknown> = {};
  const w: Record<string, true> = {};
  const p: Record<string, true> = {};
  for (const field of fields) {
    const v = d[field.name];
    if (v === undefined || v === null) continue;
    f[field.name] = v;
    if (!field.searchable || typeof v !== 'string') continue;
    for (const word of tokenize(v)) {
      w[word] = true;
      for (let i = 1; i <= Math.min(word.length, MAX_PREFIX); i++) p[word.slice(0, i)] = true;
    }
  }
  return { id: d.id, doc: JSON.stringify(d), f, w, p };
}

/** Adds the equality filters Firestore can serve without a composite index. */
export function pushDown(query: Query, plan: QueryPlan): Query {
  let q = query;
  let usedIn = false;
  for (const filter of plan.filters) {
    if (filter.field === 'id') continue;
    if (filter.op === 'eq') q = q.where(new FieldPath('f', filter.field), '==', filter.value);
    if (filter.op === 'in' && !usedIn && (filter.value as unknown[]).length <= 30) {
      q = q.where(new FieldPath('f', filter.field), 'in', filter.value);
      usedIn = true;
    }
  }
  plan.terms.forEach((term, i) => {
    const last = i === plan.terms.length - 1;
    q = last ? q.where(new FieldPath('p', term.slice(0, MAX_PREFIX)), '==', true) : q.where(new FieldPath('w', term), '==', true);
  });
  return q;
}

/** The full predicate (filters AND text), exactly as the local indexes apply it. */
export { matches } from '../local/search/evaluate';

export function compareKeys(plan: QueryPlan, a: readonly unknown[], b: readonly unknown[]): number {
  for (let i = 0; i < plan.sort.length; i++) {
    const x = a[i] as string | number;
    const y = b[i] as string | number;
    if (x === y) continue;
    const c = x < y ? -1 : 1;
    return plan.sort[i]!.order === 'asc' ? c : -c;
  }
  return 0;
}

export const sortKey = (plan: QueryPlan, d: SearchDocument): Array<string | number> => plan.sort.map((s) => sortValue(s.field, d));

/** True when the query is "everything, by id": Firestore pages it itself (orderBy id + count()). */
export const isPlainListing = (plan: QueryPlan): boolean =>
  plan.filters.length === 0 && plan.terms.length === 0 && plan.sort.length === 1 && plan.sort[0]!.field.name === 'id' && plan.sort[0]!.order === 'asc';

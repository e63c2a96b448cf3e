/**
 * SearchIndex in process memory for unit tests and `search.kind: memory`: the same validation,
 * ordering, text-match and cursor rules as SqliteSearchIndex (search/queryPlan.ts).
 */
import {
  IndexNotFoundError, type IndexDefinition, type SearchDocument, type SearchIndex, type SearchPage, type SearchQuery,
} from '../../ports/SearchIndex';
import {
  checkDocuments, checkIndexName, definitionMismatch, encodeCursor, planQuery, resolveDefinition, sameDefinition, sortValue, tokenize,
  type QueryPlan, type ResolvedField,
} from './search/queryPlan';
import { ClosedStoreError } from './ClosedStoreError';
import { matchesFilter } from './search/evaluate';

interface Index {
  readonly fields: ResolvedField[];
  readonly docs: Map<string, SearchDocument>;
  /** Tokens of each document's searchable fields. */
  readonly tokens: Map<string, Set<string>>;
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

function compareKeys(plan: QueryPlan, a: ReadonlyArray<string | number>, b: readonly unknown[]): number {
  for (let i = 0; i < plan.sort.length; i++) {
    const x = a[i]!;
    const y = b[i] as string | number;
    if (x === y) continue;
    const c = x < y ? -1 : 1;
    return plan.sort[i]!.order === 'asc' ? c : -c;
  }
  return 0;
}

export class InMemorySearchIndex implements SearchIndex {
  private readonly indexes = new Map<string, Index>();
  private closed = false;

  async createIndex(index: string, definition: IndexDefinition): Promise<void> {
    this.assertOpen();
    checkIndexName(index);
    const fields = resolveDefinition(definition);
    const existing = this.indexes.get(index);
    if (existing) {
      if (!sameDefinition(existing.fields, fields)) throw definitionMismatch(index, existing.fields, fields);
      return;
    }
    this.indexes.set(index, { fields, docs: new Map(), tokens: new Map() });
  }

  async dropIndex(index: string): Promise<void> {
    this.assertOpen();
    this.indexes.delete(index);
  }

  async listIndexes(): Promise<string[]> {
    this.assertOpen();
    return [...this.indexes.keys()].sort();
  }

  async upsert(index: string, documents: readonly SearchDocument[]): Promise<void> {
    const ix = this.open(index);
    checkDocuments(index, ix.fields, documents);
    for (const d of documents) {
      const copy = clone(d);
      ix.docs.set(d.id, copy);
      const words = ix.fields.filter((f) => f.searchable).flatMap((f) => (typeof copy[f.name] === 'string' ? tokenize(copy[f.name] as string) : []));
      ix.tokens.set(d.id, new Set(words));
    }
  }

  async delete(index: string, ids: readonly string[]): Promise<void> {
    const ix = this.open(index);
    for (const id of ids) {
      ix.docs.delete(id);
      ix.tokens.delete(id);
    }
  }

  async get(index: string, id: string): Promise<SearchDocument | undefined> {
    const d = this.open(index).docs.get(id);
    return d && clone(d);
  }

  async query(index: string, query: SearchQuery): Promise<SearchPage> {
    const ix = this.open(index);
    const plan = planQuery(ix.fields, query);
    const lastTerm = plan.terms.length - 1;
    const matches = (d: SearchDocument): boolean => {
      if (!plan.filters.every((f) => matchesFilter(f, d))) return false;
      if (plan.terms.length === 0) return true;
      const words = ix.tokens.get(d.id) ?? new Set<string>();
      return plan.terms.every((t, i) => (i === lastTerm ? [...words].some((w) => w.startsWith(t)) : words.has(t)));
    };
    const keyed = [...ix.docs.values()].filter(matches).map((d) => ({ d, key: plan.sort.map((s) => sortValue(s.field, d)) }));
    keyed.sort((a, b) => compareKeys(plan, a.key, b.key));
    const start = plan.after ? keyed.filter((k) => compareKeys(plan, k.key, plan.after!) <= 0).length : 0;
    const page = keyed.slice(start, start + plan.limit);
    const last = page[page.length - 1];
    const more = start + plan.limit < keyed.length;
    return { items: page.map((k) => clone(k.d)), total: keyed.length, nextCursor: more && last ? encodeCursor(last.key) : undefined };
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private open(index: string): Index {
    this.assertOpen();
    const ix = this.indexes.get(index);
    if (!ix) throw new IndexNotFoundError(index);
    return ix;
  }

  private assertOpen(): void {
    if (this.closed) throw new ClosedStoreError('InMemorySearchIndex');
  }
}

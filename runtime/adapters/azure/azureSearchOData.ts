/**
 * Translation of the SearchIndex port into Azure AI Search (ADR 0075), on top of the shared,
 * validated query plan of the local adapters (same InvalidQueryError naming the field): index
 * fields (id = the key; keyword/date/number/boolean filterable+sortable; text searchable with
 * the standard analyser), filters as OData `$filter` (prefix as a code-point range, `in` as
 * search.in / an OR of eq), sort as `$orderby` with the id tie-break, text as a full-Lucene
 * query where every term is required on `searchFields` and the last term is a prefix, and a
 * skip cursor (Azure caps skip at 100,000). Index names map reversibly onto Azure's
 * [a-z0-9-] alphabet.
 */
import type { SearchField, SearchOptions } from '@azure/search-documents';
import { InvalidQueryError, type FieldType, type SearchQuery } from '../../ports/SearchIndex';
import { planQuery, type QueryPlan, type ResolvedField } from '../local/search/queryPlan';

const EDM: Record<FieldType, string> = { keyword: 'Edm.String', text: 'Edm.String', number: 'Edm.Double', date: 'Edm.DateTimeOffset', boolean: 'Edm.Boolean' };
export const MAX_SKIP = 100_000;

export function azureFields(fields: readonly ResolvedField[]): SearchField[] {
  return [
    { name: 'id', type: 'Edm.String', key: true, filterable: true, sortable: true, searchable: false },
    ...fields.map((f): SearchField => ({
      name: f.name,
      type: EDM[f.type] as 'Edm.String',
      filterable: f.filterable,
      sortable: f.sortable,
      searchable: f.type === 'text' || f.type === 'keyword' ? f.searchable : false,
      facetable: false,
      ...(f.type === 'text' ? { analyzerName: 'standard.lucene' as const } : {}),
    })),
  ];
}

/** The port definition of an existing Azure index (for the "same definition" check). */
export function portFields(fields: readonly SearchField[]): ResolvedField[] {
  return fields.filter((f) => f.name !== 'id').map((f) => {
    const s = f as { name: string; type: string; filterable?: boolean; sortable?: boolean; searchable?: boolean; analyzerName?: string };
    const type: FieldType = s.type === 'Edm.Double' ? 'number' : s.type === 'Edm.DateTimeOffset' ? 'date' : s.type === 'Edm.Boolean' ? 'boolean' : s.analyzerName ? 'text' : 'keyword';
    return { name: s.name, type, filterable: s.filterable ?? false, sortable: s.sortable ?? false, searchable: s.searchable ?? false };
  }).sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** Port index name → Azure index name ([a-z0-9-], reversible for [A-Za-z0-9_-]): "-" → "--", "_" → "-0", "A" → "-a". */
export function azureIndexName(index: string): string {
  return index.replace(/[-_A-Z]/g, (c) => (c === '-' ? '--' : c === '_' ? '-0' : `-${c.toLowerCase()}`));
}

export function portIndexName(name: string): string | undefined {
  let out = '';
  for (let i = 0; i < name.length; i++) {
    const c = name[i]!;
    if (c !== '-') {
      out += c;
      continue;
    }
    const n = name[++i];
    if (n === '-') out += '-';
    else if (n === '0') out += '_';
    else if (n !== undefined && /[a-z]/.test(n)) out += n.toUpperCase();
    else return undefined;
  }
  return out;
}

const literal = (type: FieldType, v: unknown): string => {
  if (type === 'number' || type === 'boolean') return String(v);
  if (type === 'date') return new Date(String(v)).toISOString();
  return `'${String(v).replace(/'/g, "''")}'`;
};

function filterExpr(f: QueryPlan['filters'][number]): string {
  const { name, type } = f.resolved;
  switch (f.op) {
    case 'eq': case 'ne': case 'gt': case 'lt':
      return `${name} ${f.op} ${literal(type, f.value)}`;
    case 'gte':
      return `${name} ge ${literal(type, f.value)}`;
    case 'lte':
      return `${name} le ${literal(type, f.value)}`;
    case 'in': {
      const values = f.value as unknown[];
      if (type === 'keyword' && values.every((v) => !String(v).includes('|'))) return `search.in(${name}, '${values.map((v) => String(v).replace(/'/g, "''")).join('|')}', '|')`;
      return `(${values.map((v) => `${name} eq ${literal(type, v)}`).join(' or ')})`;
    }
    case 'prefix': {
      // OData has no startswith here: a prefix is the code-point range [p, p + U+FFFF).
      const p = String(f.value);
      return p === '' ? `${name} ne null or ${name} eq null` : `(${name} ge ${literal('keyword', p)} and ${name} lt ${literal('keyword', `${p}\uffff`)})`;
    }
  }
}

const LUCENE_SPECIAL = /[+\-&|!(){}[\]^"~*?:\\/]/g;

export interface AzureSearchRequest {
  readonly searchText: string;
  readonly options: SearchOptions<Record<string, unknown>>;
  readonly skip: number;
  readonly limit: number;
}

/** Plans a port query (InvalidQueryError naming the field) and builds the Azure search call. */
export function buildSearch(fields: readonly ResolvedField[], q: SearchQuery): AzureSearchRequest {
  const plan = planQuery(fields, { ...q, cursor: undefined });
  const skip = q.cursor === undefined ? 0 : decodeSkip(q.cursor);
  const filter = plan.filters.map(filterExpr).map((e) => `(${e})`).join(' and ');
  const terms = plan.terms.map((t) => t.replace(LUCENE_SPECIAL, (c) => `\\${c}`));
  const searchText = terms.map((t, i) => (i === terms.length - 1 ? `${t}*` : t)).join(' ');
  return {
    searchText: searchText === '' ? '*' : searchText,
    skip,
    limit: plan.limit,
    options: {
      ...(filter ? { filter } : {}),
      orderBy: plan.sort.map((s) => `${s.field.name} ${s.order}`),
      top: plan.limit,
      skip,
      includeTotalCount: true,
      ...(terms.length > 0 ? { searchFields: plan.searchable.map((f) => f.name), searchMode: 'all' as const, queryType: 'full' as const } : {}),
    },
  };
}

export const encodeSkip = (skip: number): string => Buffer.from(JSON.stringify({ skip }), 'utf8').toString('base64url');

function decodeSkip(cursor: string): number {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { skip?: unknown };
    if (typeof v.skip === 'number' && Number.isInteger(v.skip) && v.skip > 0 && v.skip <= MAX_SKIP) return v.skip;
  } catch {
    // fall through
  }
  throw new InvalidQueryError('cursor: is not a cursor issued by this index (pass nextCursor from the previous page)');
}

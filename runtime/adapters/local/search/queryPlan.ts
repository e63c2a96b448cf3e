/**
 * Validation and planning shared by the local search indexes (in-memory and SQLite FTS5), so
 * both accept the same documents, reject the same queries with the same InvalidQueryError
 * (naming the field), order results the same way and issue the same keyset cursors.
 */
import {
  InvalidQueryError, type FieldDefinition, type FieldType, type Filter, type FilterOp, type IndexDefinition, type SearchDocument, type SearchQuery,
} from '../../../ports/SearchIndex';
import { InvalidArgumentError } from '../../../ports/errors';

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 1000;
const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const INDEX_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;
const OPS: readonly FilterOp[] = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'prefix'];

export interface ResolvedField {
  readonly name: string;
  readonly type: FieldType;
  readonly filterable: boolean;
  readonly sortable: boolean;
  readonly searchable: boolean;
}

/** Defaults applied: filterable/sortable true except text; searchable true only for text. */
export function resolveDefinition(definition: IndexDefinition): ResolvedField[] {
  if (!definition || !Array.isArray(definition.fields)) throw new InvalidArgumentError('definition.fields', 'must be an array of field definitions');
  const seen = new Set<string>();
  return definition.fields.map((f: FieldDefinition, i) => {
    if (!FIELD_NAME.test(f.name) || f.name === 'id') throw new InvalidArgumentError(`definition.fields[${i}].name`, `"${f.name}" must match ${FIELD_NAME.source} and not be "id"`);
    if (seen.has(f.name)) throw new InvalidArgumentError(`definition.fields[${i}].name`, `"${f.name}" is declared twice`);
    seen.add(f.name);
    if (!['keyword', 'text', 'number', 'date', 'boolean'].includes(f.type)) {
      throw new InvalidArgumentError(`definition.fields[${i}].type`, `"${String(f.type)}" must be keyword, text, number, date or boolean`);
    }
    const text = f.type === 'text';
    return { name: f.name, type: f.type, filterable: f.filterable ?? !text, sortable: f.sortable ?? !text, searchable: f.searchable ?? text };
  }).sort((a, b) => (a.name < b.name ? -1 : 1));
}

export function checkIndexName(index: string): void {
  if (typeof index !== 'string' || !INDEX_NAME.test(index)) throw new InvalidArgumentError('index', `"${String(index)}" must match ${INDEX_NAME.source}`);
}

export const sameDefinition = (a: readonly ResolvedField[], b: readonly ResolvedField[]): boolean => JSON.stringify(a) === JSON.stringify(b);

export function definitionMismatch(index: string, existing: readonly ResolvedField[], wanted: readonly ResolvedField[]): InvalidArgumentError {
  const diff = wanted.filter((w) => JSON.stringify(existing.find((e) => e.name === w.name)) !== JSON.stringify(w)).map((w) => w.name);
  return new InvalidArgumentError('definition', `index ${index} already exists with another definition (fields differing: ${diff.join(', ') || 'removed fields'})`);
}

const ID_FIELD: ResolvedField = { name: 'id', type: 'keyword', filterable: true, sortable: true, searchable: false };

function typeMatches(type: FieldType, v: unknown): boolean {
  switch (type) {
    case 'keyword':
    case 'text':
      return typeof v === 'string';
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'date':
      return typeof v === 'string' && !Number.isNaN(Date.parse(v));
    case 'boolean':
      return typeof v === 'boolean';
  }
}

/** Documents carry `id` and declared fields only (portable to schema-first services); values match their type or are null. */
export function checkDocuments(index: string, fields: readonly ResolvedField[], docs: readonly SearchDocument[]): void {
  docs.forEach((d, i) => {
    if (typeof d?.id !== 'string' || d.id.length === 0 || d.id.length > 512) throw new InvalidArgumentError(`documents[${i}].id`, 'must be a non-empty string of at most 512 characters');
    for (const [k, v] of Object.entries(d)) {
      if (k === 'id' || v === null || v === undefined) continue;
      const f = fields.find((x) => x.name === k);
      if (!f) throw new InvalidArgumentError(`documents[${i}].${k}`, `field is not declared in index ${index} (declared: ${fields.map((x) => x.name).join(', ')})`);
      if (!typeMatches(f.type, v)) throw new InvalidArgumentError(`documents[${i}].${k}`, `must be a ${f.type}, got ${JSON.stringify(v)}`);
    }
  });
}

export interface PlannedSort {
  readonly field: ResolvedField;
  readonly order: 'asc' | 'desc';
}

export interface QueryPlan {
  readonly filters: ReadonlyArray<Filter & { readonly resolved: ResolvedField }>;
  /** Lower-cased whole-word terms; the last is matched as a prefix. */
  readonly terms: readonly string[];
  readonly searchable: readonly ResolvedField[];
  /** The requested sort followed by id ascending (the tie-break). */
  readonly sort: readonly PlannedSort[];
  readonly limit: number;
  /** Sort-key values of the last item of the previous page. */
  readonly after?: readonly unknown[];
}

const bad = (field: string, detail: string): InvalidQueryError => new InvalidQueryError(`${field}: ${detail}`);

export function tokenize(text: string): string[] {
  return (text.toLowerCase().normalize('NFKD').replace(/\p{M}/gu, '').match(/[\p{L}\p{N}]+/gu) ?? []);
}

export function planQuery(fields: readonly ResolvedField[], q: SearchQuery): QueryPlan {
  const byName = (name: string): ResolvedField | undefined => (name === 'id' ? ID_FIELD : fields.find((f) => f.name === name));
  const filters = (q.filters ?? []).map((f) => {
    const r = byName(f.field);
    if (!r) throw bad(`filter ${String(f.field)}`, `field is not declared (declared: id, ${fields.map((x) => x.name).join(', ')})`);
    if (!r.filterable) throw bad(`filter ${f.field}`, 'field is not filterable');
    if (!OPS.includes(f.op)) throw bad(`filter ${f.field}`, `op "${String(f.op)}" must be one of ${OPS.join(', ')}`);
    if (f.op === 'in') {
      if (!Array.isArray(f.value) || f.value.length === 0 || f.value.length > 100 || !f.value.every((v) => typeMatches(r.type, v))) {
        throw bad(`filter ${f.field}`, `op "in" needs an array of 1..100 ${r.type} values`);
      }
    } else if (f.op === 'prefix') {
      if (r.type !== 'keyword' || typeof f.value !== 'string') throw bad(`filter ${f.field}`, 'op "prefix" needs a keyword field and a string value');
    } else {
      if (!typeMatches(r.type, f.value)) throw bad(`filter ${f.field}`, `value ${JSON.stringify(f.value)} is not a ${r.type}`);
      if (r.type === 'boolean' && f.op !== 'eq' && f.op !== 'ne') throw bad(`filter ${f.field}`, 'booleans take eq or ne');
    }
    return { ...f, resolved: r };
  });
  if (q.text !== undefined && typeof q.text !== 'string') throw bad('text', 'must be a string');
  const terms = tokenize(q.text ?? '').slice(0, 32);
  const searchable = fields.filter((f) => f.searchable);
  if (terms.length > 0 && searchable.length === 0) throw bad('text', 'this index has no searchable fields');
  const sort: PlannedSort[] = (q.sort ?? []).map((s) => {
    const r = byName(s.field);
    if (!r) throw bad(`sort ${String(s.field)}`, 'field is not declared');
    if (!r.sortable) throw bad(`sort ${s.field}`, 'field is not sortable');
    if (s.order !== 'asc' && s.order !== 'desc') throw bad(`sort ${s.field}`, `order must be "asc" or "desc", got ${String(s.order)}`);
    return { field: r, order: s.order };
  });
  if (!sort.some((s) => s.field.name === 'id')) sort.push({ field: ID_FIELD, order: 'asc' });
  const limit = q.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw bad('limit', `must be an integer from 1 to ${MAX_LIMIT}, got ${String(limit)}`);
  return { filters, terms, searchable, sort, limit, after: q.cursor === undefined ? undefined : decodeCursor(q.cursor, sort.length) };
}

/** Missing sort values sort as the lowest value of their type, the same in every local adapter. */
export function sortValue(field: ResolvedField, doc: SearchDocument): string | number {
  const v = field.name === 'id' ? doc.id : doc[field.name];
  if (field.type === 'number') return typeof v === 'number' ? v : -Number.MAX_VALUE;
  if (field.type === 'boolean') return v === true ? 1 : 0;
  return typeof v === 'string' ? v : '';
}

export function encodeCursor(values: readonly unknown[]): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, length: number): unknown[] {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === length && v.every((x) => typeof x === 'string' || typeof x === 'number')) return v;
  } catch {
    // fall through to the error naming the cursor
  }
  throw bad('cursor', 'is not a cursor issued for this query (pass nextCursor from the previous page with the same sort)');
}

/**
 * Turns the query string of `GET /projections/:name/query` into a SearchQuery, typed by the
 * projection's field definitions, always scoped to the caller's tenant:
 *   ?status=paid&customerId=c-1          equality
 *   ?totalCents.gte=1000&totalCents.lt=5000   gt | gte | lt | lte | ne | prefix
 *   ?status.in=paid,shipped              one of
 *   ?q=blue widg                         text (last term as a prefix)
 *   ?sort=-totalCents,placedAt           '-' = descending
 *   ?limit=20&cursor=<nextCursor>
 */
import { InvalidArgumentError } from '../../ports/errors';
import type { Filter, FilterOp, SearchDocument, SearchQuery } from '../../ports/SearchIndex';
import { APPLIED_FIELD, TENANT_FIELD, type ProjectionDefinition } from '../../core/projections';

export const RESERVED_PARAMS = ['q', 'sort', 'limit', 'cursor', 'asOf'] as const;
const OPS: readonly FilterOp[] = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'prefix'];
const INTERNAL = new Set([TENANT_FIELD.name, APPLIED_FIELD.name]);

function coerce(field: string, type: string, raw: string): unknown {
  if (type === 'number') {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(field, `"${raw}" is not a number`);
    return n;
  }
  if (type === 'boolean') {
    if (raw !== 'true' && raw !== 'false') throw new InvalidArgumentError(field, `"${raw}" must be true or false`);
    return raw === 'true';
  }
  return raw;
}

export function parseProjectionQuery(def: ProjectionDefinition, tenant: string, params: Readonly<Record<string, unknown>>): SearchQuery {
  const filters: Filter[] = [{ field: TENANT_FIELD.name, op: 'eq', value: tenant }];
  for (const [key, rawValue] of Object.entries(params)) {
    if ((RESERVED_PARAMS as readonly string[]).includes(key)) continue;
    const dot = key.lastIndexOf('.');
    const [field, op] = dot > 0 && OPS.includes(key.slice(dot + 1) as FilterOp) ? [key.slice(0, dot), key.slice(dot + 1) as FilterOp] : [key, 'eq' as FilterOp];
    const declared = field === 'id' ? { name: 'id', type: 'keyword' } : def.index.fields.find((f) => f.name === field);
    if (!declared || INTERNAL.has(field)) {
      throw new InvalidArgumentError(key, `not a field of projection ${def.name} (fields: id, ${def.index.fields.map((f) => f.name).join(', ')}; or one of ${RESERVED_PARAMS.join(', ')})`);
    }
    const values = (Array.isArray(rawValue) ? rawValue : [rawValue]).map(String);
    for (const raw of values) {
      const value = op === 'in' ? raw.split(',').map((v) => coerce(key, declared.type, v)) : coerce(key, declared.type, raw);
      filters.push({ field, op, value: field === 'id' ? qualifyId(tenant, value) : value });
    }
  }
  const sort = typeof params.sort === 'string' && params.sort.length > 0
    ? params.sort.split(',').map((s) => (s.startsWith('-') ? { field: s.slice(1), order: 'desc' as const } : { field: s.replace(/^\+/, ''), order: 'asc' as const }))
    : undefined;
  for (const s of sort ?? []) if (INTERNAL.has(s.field)) throw new InvalidArgumentError('sort', `${s.field} is not sortable`);
  const limit = params.limit === undefined ? undefined : Number(params.limit);
  return {
    filters,
    text: typeof params.q === 'string' ? params.q : undefined,
    sort,
    limit,
    cursor: typeof params.cursor === 'string' ? params.cursor : undefined,
  };
}

function qualifyId(tenant: string, value: unknown): unknown {
  return Array.isArray(value) ? value.map((v) => `${tenant}:${String(v)}`) : `${tenant}:${String(value)}`;
}

/** A read-model document as the API shows it: tenant-relative id, no bookkeeping fields. */
export function publicDocument(doc: SearchDocument, tenant: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc)) if (!INTERNAL.has(k)) out[k] = v;
  out.id = doc.id.startsWith(`${tenant}:`) ? doc.id.slice(tenant.length + 1) : doc.id;
  return out;
}

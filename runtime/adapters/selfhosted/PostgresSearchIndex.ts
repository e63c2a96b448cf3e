/**
 * SearchIndex on PostgreSQL: documents as jsonb rows per index, full-text via a tsvector
 * ('simple' configuration over the same tokens the local indexes use, GIN-indexed). Text terms
 * (last one as a prefix, `term:*`) and eq/in filters are pushed down to SQL; the remaining
 * filters, the sort and keyset paging run in process over the candidates with the local
 * indexes' exact rules, so every adapter orders and pages identically.
 */
import {
  IndexNotFoundError, type IndexDefinition, type SearchDocument, type SearchIndex, type SearchPage, type SearchQuery,
} from '../../ports/SearchIndex';
import {
  checkDocuments, checkIndexName, definitionMismatch, planQuery, resolveDefinition, sameDefinition, type QueryPlan, type ResolvedField,
} from '../local/search/queryPlan';
import type { PostgresConnection } from './postgres/connection';
import { PgAccess } from './postgres/PgAccess';
import { evaluate, searchWords } from './postgres/searchEvaluation';

export class PostgresSearchIndex implements SearchIndex {
  private readonly pg: PgAccess;
  private readonly definitions = new Map<string, ResolvedField[]>();

  constructor(options: { readonly connection: PostgresConnection; readonly ownsPool?: boolean }) {
    this.pg = new PgAccess(options.connection, 'PostgresSearchIndex', options.ownsPool);
  }

  async createIndex(index: string, definition: IndexDefinition): Promise<void> {
    checkIndexName(index);
    const fields = resolveDefinition(definition);
    await this.pg.query(`INSERT INTO ${this.pg.s}.search_indexes (name, definition) VALUES ($1, $2::jsonb) ON CONFLICT (name) DO NOTHING`, [index, JSON.stringify(fields)]);
    const existing = await this.fields(index, true);
    if (!sameDefinition(existing, fields)) throw definitionMismatch(index, existing, fields);
  }

  async dropIndex(index: string): Promise<void> {
    this.definitions.delete(index);
    await this.pg.query(`DELETE FROM ${this.pg.s}.search_indexes WHERE name = $1`, [index]);
  }

  async listIndexes(): Promise<string[]> {
    const rows = await this.pg.query<{ name: string }>(`SELECT name FROM ${this.pg.s}.search_indexes ORDER BY name COLLATE "C"`);
    return rows.map((r) => r.name);
  }

  async upsert(index: string, documents: readonly SearchDocument[]): Promise<void> {
    const fields = await this.fields(index);
    checkDocuments(index, fields, documents);
    if (documents.length === 0) return;
    const searchable = { searchable: fields.filter((f) => f.searchable) };
    // Last write wins within one call (as in the local indexes): keep the last document per id.
    const byId = new Map(documents.map((d) => [d.id, d]));
    const docs = [...byId.values()];
    await this.pg.query(
      `INSERT INTO ${this.pg.s}.search_documents (index_name, id, doc, tsv)
       SELECT $1, id, doc::jsonb, to_tsvector('simple', words) FROM unnest($2::text[], $3::text[], $4::text[]) AS u(id, doc, words)
       ON CONFLICT (index_name, id) DO UPDATE SET doc = excluded.doc, tsv = excluded.tsv`,
      [index, docs.map((d) => d.id), docs.map((d) => JSON.stringify(d)), docs.map((d) => searchWords(searchable, d))],
    );
  }

  async delete(index: string, ids: readonly string[]): Promise<void> {
    await this.fields(index);
    await this.pg.query(`DELETE FROM ${this.pg.s}.search_documents WHERE index_name = $1 AND id = ANY($2::text[])`, [index, [...ids]]);
  }

  async get(index: string, id: string): Promise<SearchDocument | undefined> {
    await this.fields(index);
    const rows = await this.pg.query<{ doc: SearchDocument }>(`SELECT doc FROM ${this.pg.s}.search_documents WHERE index_name = $1 AND id = $2`, [index, id]);
    return rows[0]?.doc;
  }

  async query(index: string, query: SearchQuery): Promise<SearchPage> {
    const plan = planQuery(await this.fields(index), query);
    const { where, params } = pushDown(plan, index);
    const rows = await this.pg.query<{ doc: SearchDocument }>(`SELECT doc FROM ${this.pg.s}.search_documents WHERE ${where}`, params);
    return evaluate(plan, rows.map((r) => r.doc));
  }

  async close(): Promise<void> {
    await this.pg.close();
  }

  private async fields(index: string, reload = false): Promise<ResolvedField[]> {
    const cached = reload ? undefined : this.definitions.get(index);
    if (cached) return cached;
    const rows = await this.pg.query<{ definition: ResolvedField[] }>(`SELECT definition FROM ${this.pg.s}.search_indexes WHERE name = $1`, [index]);
    if (!rows[0]) {
      this.definitions.delete(index);
      throw new IndexNotFoundError(index);
    }
    // jsonb reorders keys: rebuild each field in resolveDefinition's key order (definitions compare as JSON).
    const fields = rows[0].definition.map((f) => ({ name: f.name, type: f.type, filterable: f.filterable, sortable: f.sortable, searchable: f.searchable }));
    this.definitions.set(index, fields);
    return fields;
  }
}

/** SQL conditions that narrow the candidates without changing the result: text via tsvector, eq/in on jsonb. */
function pushDown(plan: QueryPlan, index: string): { where: string; params: unknown[] } {
  const params: unknown[] = [index];
  const conds = ['index_name = $1'];
  if (plan.terms.length > 0) {
    const last = plan.terms.length - 1;
    params.push(plan.terms.map((t, i) => (i === last ? `'${t}':*` : `'${t}'`)).join(' & '));
    conds.push(`tsv @@ to_tsquery('simple', $${params.length})`);
  }
  for (const f of plan.filters) {
    if (f.op === 'eq' && f.field !== 'id') {
      params.push(JSON.stringify({ [f.field]: f.value }));
      conds.push(`doc @> $${params.length}::jsonb`);
    } else if (f.op === 'in' && f.field === 'id') {
      params.push(f.value);
      conds.push(`id = ANY($${params.length}::text[])`);
    } else if (f.op === 'eq' && f.field === 'id') {
      params.push(f.value);
      conds.push(`id = $${params.length}`);
    }
  }
  return { where: conds.join(' AND '), params };
}

/**
 * SearchIndex on Amazon OpenSearch Service (@opensearch-project/opensearch; SigV4 signing is set
 * up by the factory). Definitions, documents and queries are validated by the same queryPlan the
 * local indexes use, then translated (openSearchDsl.ts). Writes use refresh=wait_for, so a
 * document is searchable when upsert resolves (read-your-writes, like the local adapters).
 * Errors: 404 index_not_found → IndexNotFoundError, 429/5xx → UnavailableError, 400 on a query →
 * InvalidQueryError.
 */
import type { Client } from '@opensearch-project/opensearch';
import {
  IndexNotFoundError, InvalidArgumentError, InvalidQueryError, UnavailableError,
  type IndexDefinition, type SearchDocument, type SearchIndex, type SearchPage, type SearchQuery,
} from '../../ports';
import {
  checkDocuments, checkIndexName, definitionMismatch, encodeCursor, planQuery, resolveDefinition, sameDefinition, type ResolvedField,
} from '../local/search/queryPlan';
import { indexBody, searchBody } from './openSearchDsl';

interface OsError { meta?: { statusCode?: number; body?: { error?: { type?: string; reason?: string } } }; message?: string }

export interface OpenSearchSearchIndexOptions {
  readonly client: Client;
  /** Prefix of every index name (several stacks may share a domain); default "". */
  readonly prefix?: string;
}

export class OpenSearchSearchIndex implements SearchIndex {
  private readonly definitions = new Map<string, ResolvedField[]>();

  constructor(private readonly o: OpenSearchSearchIndexOptions) {}

  async createIndex(index: string, definition: IndexDefinition): Promise<void> {
    checkIndexName(index);
    const fields = resolveDefinition(definition);
    try {
      await this.o.client.indices.create({ index: this.name(index), body: indexBody(fields) });
      this.definitions.set(index, fields);
    } catch (err) {
      if ((err as OsError).meta?.body?.error?.type !== 'resource_already_exists_exception') throw this.translate(err, index);
      const existing = await this.definition(index);
      if (!sameDefinition(existing, fields)) throw definitionMismatch(index, existing, fields);
    }
  }

  async dropIndex(index: string): Promise<void> {
    checkIndexName(index);
    this.definitions.delete(index);
    try {
      await this.o.client.indices.delete({ index: this.name(index) });
    } catch (err) {
      if ((err as OsError).meta?.statusCode !== 404) throw this.translate(err, index);
    }
  }

  async listIndexes(): Promise<string[]> {
    const prefix = this.o.prefix ?? '';
    const out = await this.call('*', () => this.o.client.cat.indices({ format: 'json', index: `${prefix}*` }));
    const rows = (out.body ?? []) as unknown as Array<{ index?: string }>;
    return rows.map((r) => r.index ?? '').filter((n) => n.startsWith(prefix) && !n.startsWith('.')).map((n) => n.slice(prefix.length)).sort();
  }

  async upsert(index: string, documents: readonly SearchDocument[]): Promise<void> {
    const fields = await this.definition(index);
    checkDocuments(index, fields, documents);
    if (documents.length === 0) return;
    const body = documents.flatMap((d) => [{ index: { _index: this.name(index), _id: d.id } }, d]);
    const out = await this.call(index, () => this.o.client.bulk({ body, refresh: 'wait_for' }));
    this.bulkErrors(index, out.body as BulkResponse, []);
  }

  async delete(index: string, ids: readonly string[]): Promise<void> {
    await this.definition(index);
    if (ids.length === 0) return;
    const out = await this.call(index, () => this.o.client.bulk({ body: ids.map((id) => ({ delete: { _index: this.name(index), _id: id } })), refresh: 'wait_for' }));
    this.bulkErrors(index, out.body as BulkResponse, [404]);
  }

  async get(index: string, id: string): Promise<SearchDocument | undefined> {
    await this.definition(index);
    try {
      const out = await this.o.client.get({ index: this.name(index), id });
      return (out.body as { _source?: SearchDocument })._source;
    } catch (err) {
      if ((err as OsError).meta?.statusCode === 404 && (err as OsError).meta?.body?.error?.type !== 'index_not_found_exception') return undefined;
      throw this.translate(err, index);
    }
  }

  async query(index: string, query: SearchQuery): Promise<SearchPage> {
    const fields = await this.definition(index);
    const plan = planQuery(fields, query);
    const out = await this.call(index, () => this.o.client.search({ index: this.name(index), body: searchBody(plan) }));
    const hits = (out.body as { hits: { total: { value: number }; hits: Array<{ _source: SearchDocument; sort?: unknown[] }> } }).hits;
    const items = hits.hits.map((h) => h._source);
    const last = hits.hits[hits.hits.length - 1];
    const more = items.length === plan.limit && last?.sort !== undefined && hits.total.value > 0;
    // The next page exists when this one is full and not the last of `total` (counted through cursors).
    return { items, total: hits.total.value, ...(more && last?.sort ? { nextCursor: encodeCursor(last.sort) } : {}) };
  }

  async close(): Promise<void> {
    this.definitions.clear();
  }

  private name(index: string): string {
    return `${this.o.prefix ?? ''}${index}`.toLowerCase();
  }

  /** The index's resolved definition (from _meta), cached; IndexNotFoundError when absent. */
  private async definition(index: string): Promise<ResolvedField[]> {
    checkIndexName(index);
    const cached = this.definitions.get(index);
    if (cached) return cached;
    const out = await this.call(index, () => this.o.client.indices.getMapping({ index: this.name(index) }));
    const body = out.body as Record<string, { mappings?: { _meta?: { nexus?: { fields?: ResolvedField[] } } } }>;
    const fields = Object.values(body)[0]?.mappings?._meta?.nexus?.fields;
    if (!fields) throw new InvalidArgumentError('index', `${index} exists in OpenSearch but was not created by Nexus (no _meta.nexus)`);
    this.definitions.set(index, fields);
    return fields;
  }

  private bulkErrors(index: string, body: BulkResponse, ignore: number[]): void {
    if (!body.errors) return;
    const failed = body.items.map((i) => Object.values(i)[0]!).filter((r) => r.error && !ignore.includes(r.status));
    if (failed.length === 0) return;
    if (failed.some((r) => r.status === 429 || r.status >= 500)) {
      throw new UnavailableError(`OpenSearch index ${index}`, `${failed.length} bulk item(s) rejected: ${failed[0]!.error!.type}`);
    }
    throw new InvalidArgumentError('documents', `OpenSearch rejected ${failed.length} document(s) of ${index}: ${failed[0]!.error!.type}: ${failed[0]!.error!.reason}`);
  }

  private async call<T>(index: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw this.translate(err, index);
    }
  }

  private translate(err: unknown, index: string): unknown {
    const e = err as OsError;
    const status = e.meta?.statusCode;
    const type = e.meta?.body?.error?.type ?? '';
    if (type === 'index_not_found_exception') {
      this.definitions.delete(index);
      return new IndexNotFoundError(index);
    }
    if (status === 429 || (status !== undefined && status >= 500) || (err as Error).name === 'ConnectionError' || (err as Error).name === 'TimeoutError') {
      return new UnavailableError(`OpenSearch index ${index}`, `${status ?? (err as Error).name}: ${type || e.message || ''}`, { cause: err });
    }
    if (status === 400 && type !== 'resource_already_exists_exception') return new InvalidQueryError(`index ${index}: ${type}: ${e.meta?.body?.error?.reason ?? ''}`);
    return err;
  }
}

interface BulkResponse {
  errors: boolean;
  items: Array<Record<string, { status: number; error?: { type: string; reason: string } }>>;
}

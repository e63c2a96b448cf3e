/**
 * SearchIndex on Azure AI Search (ADR 0075): one search index per port index (name mapped onto
 * [a-z0-9-], azureSearchOData.ts), `id` as the key, upsert = mergeOrUpload of whole documents
 * (undeclared fields rejected before the call, so a document is always replaced entirely: every
 * declared field is sent, missing ones as null), query = one search call (OData $filter,
 * $orderby with the id tie-break, full-Lucene text on searchFields, $count, skip cursor).
 * Azure AI Search is near-real-time: a document is searchable about a second after upsert.
 * Errors: 404 → IndexNotFoundError, 400 on a query → InvalidQueryError, 429/503 → UnavailableError
 * (Retry-After honoured), 413 → InvalidArgumentError naming the batch.
 */
import type { SearchClient, SearchIndexClient } from '@azure/search-documents';
import {
  IndexNotFoundError, InvalidQueryError, type IndexDefinition, type SearchDocument, type SearchIndex, type SearchPage, type SearchQuery,
} from '../../ports/SearchIndex';
import { InvalidArgumentError, UnavailableError } from '../../ports/errors';
import { checkDocuments, checkIndexName, definitionMismatch, resolveDefinition, sameDefinition, type ResolvedField } from '../local/search/queryPlan';
import { MAX_SKIP, azureFields, azureIndexName, buildSearch, encodeSkip, portFields, portIndexName } from './azureSearchOData';

type Doc = Record<string, unknown>;

export interface AzureAiSearchIndexOptions {
  readonly indexes: Pick<SearchIndexClient, 'createIndex' | 'getIndex' | 'deleteIndex' | 'listIndexesNames'>;
  readonly searchClient: (azureIndexName: string) => Pick<SearchClient<Doc>, 'mergeOrUploadDocuments' | 'deleteDocuments' | 'getDocument' | 'search'>;
}

const SERVICE = 'Azure AI Search';
const statusOf = (err: unknown): number | undefined => {
  const s = typeof err === 'object' && err !== null ? (err as { statusCode?: unknown }).statusCode : undefined;
  return typeof s === 'number' ? s : undefined;
};

export class AzureAiSearchIndex implements SearchIndex {
  private readonly definitions = new Map<string, ResolvedField[]>();

  constructor(private readonly options: AzureAiSearchIndexOptions) {}

  async createIndex(index: string, definition: IndexDefinition): Promise<void> {
    checkIndexName(index);
    const wanted = resolveDefinition(definition);
    const existing = await this.fields(index).catch((err: unknown) => {
      if (err instanceof IndexNotFoundError) return undefined;
      throw err;
    });
    if (existing) {
      if (!sameDefinition(existing, wanted)) throw definitionMismatch(index, existing, wanted);
      return;
    }
    await this.call(index, () => this.options.indexes.createIndex({ name: azureIndexName(index), fields: azureFields(wanted) }));
    this.definitions.set(index, wanted);
  }

  async dropIndex(index: string): Promise<void> {
    checkIndexName(index);
    this.definitions.delete(index);
    await this.call(index, () => this.options.indexes.deleteIndex(azureIndexName(index))).catch((err: unknown) => {
      if (!(err instanceof IndexNotFoundError)) throw err;
    });
  }

  async listIndexes(): Promise<string[]> {
    const names: string[] = [];
    await this.call('*', async () => {
      for await (const n of this.options.indexes.listIndexesNames()) {
        const port = portIndexName(n);
        if (port !== undefined) names.push(port);
      }
    });
    return names.sort();
  }

  async upsert(index: string, documents: readonly SearchDocument[]): Promise<void> {
    const fields = await this.fields(index);
    checkDocuments(index, fields, documents);
    if (documents.length === 0) return;
    // Whole-document replace: every declared field is sent (absent ones as null).
    const docs = documents.map((d) => Object.fromEntries([['id', d.id], ...fields.map((f) => [f.name, d[f.name] ?? null])]));
    await this.call(index, () => this.options.searchClient(azureIndexName(index)).mergeOrUploadDocuments(docs, { throwOnAnyFailure: true }));
  }

  async delete(index: string, ids: readonly string[]): Promise<void> {
    await this.fields(index);
    if (ids.length === 0) return;
    await this.call(index, () => this.options.searchClient(azureIndexName(index)).deleteDocuments('id', [...ids]));
  }

  async get(index: string, id: string): Promise<SearchDocument | undefined> {
    const fields = await this.fields(index);
    try {
      const doc = await this.options.searchClient(azureIndexName(index)).getDocument(id);
      return this.toPort(doc, fields);
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw this.translate(index, err);
    }
  }

  async query(index: string, query: SearchQuery): Promise<SearchPage> {
    const fields = await this.fields(index);
    const req = buildSearch(fields, query);
    const result = await this.call(index, () => this.options.searchClient(azureIndexName(index)).search(req.searchText, req.options), true);
    const items: SearchDocument[] = [];
    for await (const r of result.results) {
      items.push(this.toPort(r.document, fields));
      if (items.length >= req.limit) break;
    }
    const total = result.count ?? items.length;
    const next = req.skip + items.length;
    return { items, total, ...(items.length === req.limit && next < total && next <= MAX_SKIP ? { nextCursor: encodeSkip(next) } : {}) };
  }

  async close(): Promise<void> {
    this.definitions.clear();
  }

  /** The port definition of an index (cached; one getIndex per index per process). */
  private async fields(index: string): Promise<ResolvedField[]> {
    checkIndexName(index);
    const cached = this.definitions.get(index);
    if (cached) return cached;
    const def = await this.call(index, () => this.options.indexes.getIndex(azureIndexName(index)));
    const fields = portFields(def.fields);
    this.definitions.set(index, fields);
    return fields;
  }

  private toPort(doc: Doc, fields: readonly ResolvedField[]): SearchDocument {
    const out: Record<string, unknown> = { id: doc['id'] };
    for (const f of fields) {
      const v = doc[f.name];
      if (v === null || v === undefined) continue;
      out[f.name] = f.type === 'date' && (typeof v === 'string' || v instanceof Date) ? new Date(v).toISOString() : v;
    }
    return out as SearchDocument;
  }

  private async call<T>(index: string, fn: () => Promise<T>, isQuery = false): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw this.translate(index, err, isQuery);
    }
  }

  private translate(index: string, err: unknown, isQuery = false): unknown {
    const s = statusOf(err);
    const message = err instanceof Error ? err.message : String(err);
    if (s === 404) {
      this.definitions.delete(index);
      return new IndexNotFoundError(index);
    }
    if (s === 400 && isQuery) return new InvalidQueryError(`query on ${index}: ${message}`);
    if (s === 400 || s === 413) return new InvalidArgumentError(s === 413 ? 'documents' : 'index', `${SERVICE} rejected the request on ${index}: ${message}`);
    if (s === 408 || s === 429 || s === 503 || (s !== undefined && s >= 500)) {
      const headers = (err as { response?: { headers?: { get(n: string): string | undefined } } }).response?.headers;
      const seconds = Number(headers?.get('retry-after'));
      return new UnavailableError(SERVICE, `HTTP ${s} on ${index}: ${message}`, { cause: err, ...(Number.isFinite(seconds) && seconds >= 0 ? { retryAfterMs: seconds * 1000 } : {}) });
    }
    return err;
  }
}

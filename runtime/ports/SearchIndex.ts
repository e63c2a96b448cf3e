/**
 * SearchIndex port: read models as JSON documents in named indexes, with filters, sort,
 * cursor paging and text match on declared fields. Projections own their index definitions.
 */
import { NexusError, hasCode } from './errors';

export type FieldType = 'keyword' | 'text' | 'number' | 'date' | 'boolean';

export interface FieldDefinition {
  readonly name: string;
  readonly type: FieldType;
  /** Usable in filters (default true for keyword/number/date/boolean). */
  readonly filterable?: boolean;
  readonly sortable?: boolean;
  /** Included in text match (text fields default true). */
  readonly searchable?: boolean;
}

export interface IndexDefinition {
  readonly fields: readonly FieldDefinition[];
}

export interface SearchDocument {
  /** Unique within the index. */
  readonly id: string;
  readonly [field: string]: unknown;
}

export type FilterOp = 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte' | 'in' | 'prefix';
export interface Filter {
  readonly field: string;
  readonly op: FilterOp;
  readonly value: unknown;
}

export interface SearchQuery {
  /** All filters must hold (AND). */
  readonly filters?: readonly Filter[];
  /** Every term must match one of the searchable fields (prefix match on the last term). */
  readonly text?: string;
  /** Default: id ascending; ties are always broken by id. */
  readonly sort?: ReadonlyArray<{ readonly field: string; readonly order: 'asc' | 'desc' }>;
  /** Default 20, max 1000. */
  readonly limit?: number;
  /** Opaque cursor from a previous page. */
  readonly cursor?: string;
}

export interface SearchPage<T extends SearchDocument = SearchDocument> {
  readonly items: T[];
  /** Total documents matching, ignoring paging. */
  readonly total: number;
  readonly nextCursor?: string;
}

export interface SearchIndex {
  /** Creates the index if absent; an existing index with another definition is an error. */
  createIndex(index: string, definition: IndexDefinition): Promise<void>;
  dropIndex(index: string): Promise<void>;
  listIndexes(): Promise<string[]>;
  upsert(index: string, documents: readonly SearchDocument[]): Promise<void>;
  delete(index: string, ids: readonly string[]): Promise<void>;
  get(index: string, id: string): Promise<SearchDocument | undefined>;
  query(index: string, query: SearchQuery): Promise<SearchPage>;
  close(): Promise<void>;
}

export class IndexNotFoundError extends NexusError {
  readonly code = 'INDEX_NOT_FOUND' as const;
  constructor(readonly index: string) {
    super(`search index ${index} does not exist`);
  }
}
export const isIndexNotFoundError = (e: unknown): e is IndexNotFoundError => hasCode(e, 'INDEX_NOT_FOUND');

export class InvalidQueryError extends NexusError {
  readonly code = 'INVALID_QUERY' as const;
}
export const isInvalidQueryError = (e: unknown): e is InvalidQueryError => hasCode(e, 'INVALID_QUERY');
